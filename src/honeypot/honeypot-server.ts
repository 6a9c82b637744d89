import { randomBytes } from 'node:crypto'
import net from 'node:net'
import { MamoriError } from '../core/errors.js'
import { type CowrieEvent, CowrieEvents } from './cowrie-event.js'
import type { DeviceProfile } from './device-profile.js'
import type { LoginPolicy } from './login-policy.js'
import type { SessionLimits } from './session-limits.js'
import type { SessionSummary } from './session-summary.js'
import { TelnetSession } from './telnet-session.js'

export interface HoneypotOptions {
  listen: readonly { host: string; port: number }[]
  profile: DeviceProfile
  /** Cowrie's `sensor` field: which honeypot saw it. */
  sensor: string
  policy: LoginPolicy
  limits: SessionLimits
  /** Sessions at once, in all (default 4,096); a connection past it is logged and closed. */
  maxSessions?: number
  /** Sessions at once from one source address (default 128, Mirai's SCANNER_MAX_CONNS). */
  maxPerSource?: number
  emit(event: CowrieEvent): void
  onClosed(summary: SessionSummary): void
}

export interface RunningHoneypot {
  /** Where it listens (the real port when 0 was asked for). */
  readonly addresses: { host: string; port: number }[]
  /** Sessions open now. */
  active(): number
  /** Stops listening and ends every session (reason `shutdown`), each one logged. */
  close(): Promise<void>
}

/** Starts the telnet honeypot on every address; ERR_USAGE when one cannot be bound. */
export async function startHoneypot(o: HoneypotOptions): Promise<RunningHoneypot> {
  const maxSessions = o.maxSessions ?? 4096
  const maxPerSource = o.maxPerSource ?? 128
  const sessions = new Set<TelnetSession>()
  const perSource = new Map<string, number>()
  const servers: net.Server[] = []
  const addresses: { host: string; port: number }[] = []

  const accept = (socket: net.Socket) => {
    socket.on('error', () => {})
    const src_ip = (socket.remoteAddress ?? '').replace(/^::ffff:/, '')
    const origin = {
      session: randomBytes(6).toString('hex'),
      src_ip,
      src_port: socket.remotePort ?? 0,
      dst_ip: (socket.localAddress ?? '').replace(/^::ffff:/, ''),
      dst_port: socket.localPort ?? 0,
      sensor: o.sensor,
    }
    const fromSource = perSource.get(src_ip) ?? 0
    if (sessions.size >= maxSessions || fromSource >= maxPerSource) {
      // over capacity: still logged, so every connection has its connect and closed events
      const events = new CowrieEvents(origin)
      o.emit(events.connect())
      o.emit(events.closed(0, sessions.size >= maxSessions ? 'capacity' : 'source-capacity'))
      socket.destroy()
      return
    }
    perSource.set(src_ip, fromSource + 1)
    const session = new TelnetSession(socket, {
      origin,
      profile: o.profile,
      policy: o.policy,
      limits: o.limits,
      emit: o.emit,
      onClosed: (summary) => {
        sessions.delete(session)
        const left = (perSource.get(src_ip) ?? 1) - 1
        if (left > 0) perSource.set(src_ip, left)
        else perSource.delete(src_ip)
        o.onClosed(summary)
      },
    })
    sessions.add(session)
    session.start()
  }

  try {
    for (const { host, port } of o.listen) {
      const server = net.createServer({ noDelay: true }, accept)
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject)
        server.listen({ host, port, backlog: 1024 }, () => {
          server.off('error', reject)
          resolve()
        })
      })
      servers.push(server)
      const a = server.address() as net.AddressInfo
      addresses.push({ host, port: a.port })
    }
  } catch (err) {
    for (const s of servers) s.close()
    throw new MamoriError('ERR_USAGE', `cannot listen: ${(err as Error).message}`, { cause: err })
  }

  return {
    addresses,
    active: () => sessions.size,
    close: async () => {
      const closed = Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))))
      for (const s of [...sessions]) s.close('shutdown')
      await closed
    },
  }
}

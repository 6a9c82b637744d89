import dgram from 'node:dgram'
import net from 'node:net'
import ssh2 from 'ssh2'
import { MamoriError } from '../core/errors.js'
import { httpDevice } from './http-device.js'
import { loadFamilies } from './load-families.js'
import { type PlannedService, planLab } from './plan-lab.js'
import { protocolDevice } from './services/protocol-device.js'
import { type DatagramHandler, isUdpService, udpDevice } from './services/udp-devices.js'
import { sshDevice } from './ssh-device.js'
import { telnetDevice } from './telnet-device.js'
import type { LabTruth } from './truth.js'

export type { LabDevice, LabService } from './truth.js'

/** Bytes kept per telnet service of what clients type after logging in. */
const POST_LOGIN_LOG_BYTES = 64 * 1024

export interface LabOptions {
  /** CIDR inside 127.0.0.0/8; 127.0.0.1 is never used. */
  net: string
  seed: number
  /** How many devices; by default about 10 in a /24 and 300 in a /16. */
  devices?: number
  /** Also start the hostile peers (`family: hostile-*` in the truth). */
  hostile?: boolean
  /** Also place the families of tricky logins (password-only, lockout, broken login, ...). */
  loginQuirks?: boolean
}

export interface RunningLab {
  truth: LabTruth
  /** Number of listeners: one per service (a TCP server, or a UDP socket for UDP services). */
  listeners: number
  /** What clients sent to `ip:port` after a successful telnet login (telnet commands stripped). */
  postLoginInput(ip: string, port: number): string
  /** Closes every listener and connection; safe to call twice. */
  stop(): Promise<void>
}

/**
 * Starts the simulated network: every device service and hostile peer listening on its own
 * loopback address. Resolves once all listeners are up; if one cannot bind, everything already
 * opened is closed and the promise rejects with ERR_LAB.
 *
 * @example
 * const lab = await startLab({ net: '127.16.0.0/24', seed: 7 })
 * // ... scan lab.truth.devices ...
 * await lab.stop()
 */
export async function startLab(options: LabOptions): Promise<RunningLab> {
  const plan = planLab(options, loadFamilies())
  const postLogin = new Map<string, Buffer>()
  const sockets = new Set<net.Socket>()
  const servers: net.Server[] = []
  const hostKeys = new Map<string, string>()

  const listen = (ip: string, port: number, handle: (s: net.Socket) => void, allowHalfOpen = false) => {
    const server = net.createServer({ allowHalfOpen }, (socket) => {
      sockets.add(socket)
      socket.once('close', () => sockets.delete(socket))
      socket.on('error', () => {})
      handle(socket)
    })
    servers.push(server)
    return new Promise<void>((resolve, reject) => {
      server.once('error', (err) =>
        reject(new MamoriError('ERR_LAB', `cannot listen on ${ip}:${port}: ${err.message}`)),
      )
      server.listen({ host: ip, port, exclusive: true }, () => resolve())
    })
  }

  const datagramSockets: dgram.Socket[] = []
  const bindUdp = (ip: string, port: number, handle: DatagramHandler) => {
    const socket = dgram.createSocket('udp4')
    datagramSockets.push(socket)
    socket.on('message', (msg, from) => handle(msg, (reply) => socket.send(reply, from.port, from.address)))
    return new Promise<void>((resolve, reject) => {
      socket.once('error', (err) =>
        reject(new MamoriError('ERR_LAB', `cannot bind ${ip}:${port}/udp: ${err.message}`)),
      )
      socket.bind({ address: ip, port, exclusive: true }, () => resolve())
    })
  }

  const handlerFor = (s: PlannedService): ((socket: net.Socket) => void) => {
    const key = `${s.ip}:${s.spec.port}`
    switch (s.spec.protocol) {
      case 'telnet': {
        const record = (data: Buffer) => {
          const seen = postLogin.get(key) ?? Buffer.alloc(0)
          if (seen.length < POST_LOGIN_LOG_BYTES) {
            postLogin.set(key, Buffer.concat([seen, data]).subarray(0, POST_LOGIN_LOG_BYTES))
          }
        }
        return telnetDevice({ spec: s.spec, credential: s.credential, onPostLogin: record })
      }
      case 'ssh': {
        let hostKey = hostKeys.get(s.deviceId)
        if (!hostKey) {
          // one host key per device, shared by its SSH ports; random, so not part of the truth
          hostKey = ssh2.utils.generateKeyPairSync('ecdsa', { bits: 256 }).private
          hostKeys.set(s.deviceId, hostKey)
        }
        return sshDevice({ spec: s.spec, credential: s.credential, hostKey })
      }
      case 'http':
      case 'tr069':
        return httpDevice({ spec: s.spec, credential: s.credential }).handle
      default:
        // UDP services are bound by bindUdp, never handed a TCP socket
        if (isUdpService(s.spec)) throw new MamoriError('ERR_LAB', `${s.spec.protocol} is a UDP service`)
        return protocolDevice(s.spec, s.credential)
    }
  }

  let stopped: Promise<void> | undefined
  const stop = () => {
    stopped ??= (async () => {
      const closing = servers.map(
        (server) =>
          new Promise<void>((resolve) => (server.listening ? server.close(() => resolve()) : resolve())),
      )
      // close() waits for open connections, so end them after it stopped accepting new ones
      for (const socket of sockets) socket.destroy()
      for (const socket of datagramSockets) {
        try {
          socket.close()
        } catch {
          // never bound (its bind failed): nothing to close
        }
      }
      await Promise.all(closing)
    })()
    return stopped
  }

  const opening = [
    ...plan.services.map((s) =>
      isUdpService(s.spec)
        ? bindUdp(s.ip, s.spec.port, udpDevice(s.spec))
        : listen(s.ip, s.spec.port, handlerFor(s)),
    ),
    ...plan.hostile.map((h) =>
      listen(h.ip, h.peer.port, (socket) => h.peer.serve(socket), h.peer.allowHalfOpen),
    ),
  ]
  const results = await Promise.allSettled(opening)
  const failed = results.find((r) => r.status === 'rejected')
  if (failed) {
    await stop()
    throw failed.reason
  }
  return {
    truth: plan.truth,
    listeners: servers.length + datagramSockets.length,
    postLoginInput: (ip, port) => (postLogin.get(`${ip}:${port}`) ?? Buffer.alloc(0)).toString('latin1'),
    stop,
  }
}

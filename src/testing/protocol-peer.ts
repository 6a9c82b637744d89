import dgram from 'node:dgram'
import net from 'node:net'
import tls from 'node:tls'
import { Connection, type ConnectionLimits, DEFAULT_LIMITS } from '../core/connection.js'
import { type GrabContext, type GrabOutcome, type ProtocolModule, runGrab } from '../core/protocol-module.js'
import { statusFromError } from '../core/scan-status.js'
import type { Target } from '../core/target.js'
import { UdpExchange, type UdpLimits } from '../core/udp.js'

/** One accepted client of a scripted TCP peer: what it sent so far, and its socket. */
export interface PeerSession {
  socket: net.Socket
  /** Resolves with the client's bytes once `done(all bytes so far)` holds (or the client closes). */
  receive(done: (all: Buffer) => boolean): Promise<Buffer>
}

/** A scripted peer that is listening: where, how many clients it has had, and how to stop it. */
export interface Peer {
  target: Target
  readonly connections: number
  close(): Promise<void>
}

/**
 * A real TCP server on a loopback address that runs `script` for every client: the in-memory peer
 * protocol tests talk to, on `port` (default: any free one), inside TLS when given a certificate.
 * Closed with `close()`; every client socket is destroyed with it.
 */
export async function tcpPeer(
  ip: string,
  script: (session: PeerSession) => unknown,
  options: { port?: number; tls?: { cert: string; key: string } } = {},
): Promise<Peer> {
  const sockets = new Set<net.Socket>()
  let connections = 0
  const accept = (socket: net.Socket) => {
    connections++
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
    socket.on('error', () => {})
    let got = Buffer.alloc(0)
    let waiter: (() => void) | undefined
    socket.on('data', (c: Buffer) => {
      got = Buffer.concat([got, c])
      waiter?.()
    })
    socket.on('end', () => waiter?.())
    const session: PeerSession = {
      socket,
      receive: (done) =>
        new Promise((resolve) => {
          const check = () => {
            if (done(got) || socket.readableEnded || socket.destroyed) {
              waiter = undefined
              resolve(got)
            }
          }
          waiter = check
          check()
        }),
    }
    Promise.resolve(script(session)).catch(() => socket.destroy())
  }
  const server = options.tls
    ? tls.createServer({ ...options.tls, minVersion: 'TLSv1.2' }, accept).on('tlsClientError', () => {})
    : net.createServer(accept)
  server.on('connection', (s: net.Socket) => s.on('error', () => {}))
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, ip, () => resolve())
  })
  const port = (server.address() as net.AddressInfo).port
  return {
    target: { ip, port, transport: 'tcp' },
    get connections() {
      return connections
    },
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy()
        server.close(() => resolve())
      }),
  }
}

/** A UDP peer on a loopback address: `reply(request, send)` answers each datagram as it likes. */
export async function udpPeer(
  ip: string,
  reply: (request: Buffer, send: (data: Buffer) => void, from: dgram.RemoteInfo) => void,
  port = 0,
): Promise<{ target: Target; requests: Buffer[]; close(): Promise<void> }> {
  const socket = dgram.createSocket('udp4')
  const requests: Buffer[] = []
  socket.on('message', (msg, rinfo) => {
    requests.push(msg)
    reply(msg, (data) => socket.send(data, rinfo.port, rinfo.address), rinfo)
  })
  await new Promise<void>((resolve) => socket.bind(port, ip, () => resolve()))
  return {
    target: { ip, port: socket.address().port, transport: 'udp' },
    requests,
    close: () => new Promise((resolve) => socket.close(() => resolve())),
  }
}

/** Runs one module's grab the way the framework does: a fresh connection (or UDP exchange), closed after. */
export async function grabOnce<R>(
  module: ProtocolModule<R>,
  target: Target,
  limits: Partial<ConnectionLimits> = {},
  udpLimits: Partial<UdpLimits> = {},
  extra: Pick<GrabContext, 'credentialAudit'> = {},
): Promise<GrabOutcome<R>> {
  const all = { ...DEFAULT_LIMITS, ...limits }
  const opened: Connection[] = []
  const open = async () => {
    const c = await Connection.open({ ...target, transport: 'tcp' }, all)
    opened.push(c)
    return c
  }
  let udp: UdpExchange | undefined
  try {
    if (module.transport === 'udp') udp = await UdpExchange.open(target, udpLimits)
    const exchange = udp
    const conn = exchange ? undefined : await open()
    const ctx: GrabContext = {
      target,
      limits: all,
      redial: open,
      ...extra,
      get conn(): Connection {
        if (!conn) throw new Error(`${module.name} is a UDP module: it has no TCP connection`)
        return conn
      },
      get udp(): UdpExchange {
        if (!exchange) throw new Error(`${module.name} is a TCP module: it has no UDP exchange`)
        return exchange
      },
    }
    return await runGrab(module, ctx)
  } catch (err) {
    return { status: statusFromError(err), error: (err as Error).message }
  } finally {
    for (const c of opened) c.close()
    udp?.close()
  }
}

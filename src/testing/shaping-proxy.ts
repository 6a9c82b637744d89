import dgram from 'node:dgram'
import net from 'node:net'
import type { Target } from '../core/target.js'
import type { Counted } from './conformance.js'

/** What a proxy does to the server's bytes: cut each connection (or datagram) after `cutAt`, or corrupt text. */
export interface Shape {
  cutAt?: number
  /** Every third lower-case letter past the first 8 bytes becomes 0xFF: the same length, not UTF-8. */
  corrupt?: boolean
}

function shapeBytes(chunk: Buffer, offset: number, shape: Shape): Buffer {
  let out = shape.cutAt === undefined ? chunk : chunk.subarray(0, Math.max(0, shape.cutAt - offset))
  if (shape.corrupt) {
    out = Buffer.from(out)
    for (let i = 0; i < out.length; i++) {
      const at = offset + i
      const b = out[i] as number
      if (at >= 8 && at % 3 === 0 && b >= 0x61 && b <= 0x7a) out[i] = 0xff
    }
  }
  return out
}

/** What a shaping proxy served: bytes per connection (TCP) or per datagram (UDP), in order. */
export type ShapingProxy = Counted & { readonly served: readonly number[]; close(): Promise<void> }

/**
 * A TCP proxy on `ip:port` to a real server: the client's bytes pass unchanged, the server's are
 * shaped (cut after `cutAt` bytes of each connection, then FIN; or corrupted). `shape` is read at
 * each connection's bytes, so a caller may change it between grabs.
 */
export async function tcpShapingProxy(
  ip: string,
  port: number,
  upstream: Target,
  shape: Shape,
): Promise<ShapingProxy> {
  const served: number[] = []
  const sockets = new Set<net.Socket>()
  const server = net.createServer((client) => {
    const index = served.push(0) - 1
    const up = net.connect({ host: upstream.ip, port: upstream.port })
    for (const s of [client, up]) {
      sockets.add(s)
      s.on('error', () => {})
      s.once('close', () => sockets.delete(s))
    }
    client.on('data', (d: Buffer) => up.write(d))
    client.once('close', () => up.destroy())
    up.once('end', () => client.end())
    up.once('close', () => client.end())
    up.on('data', (d: Buffer) => {
      const offset = served[index] as number
      const out = shapeBytes(d, offset, shape)
      served[index] = offset + out.length
      if (out.length > 0) client.write(out)
      if (shape.cutAt !== undefined && offset + d.length >= shape.cutAt) {
        client.end()
        up.destroy()
      }
    })
    if (shape.cutAt === 0) {
      client.end()
      up.destroy()
    }
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, ip, () => resolve())
  })
  return {
    target: { ip, port, transport: 'tcp' },
    served,
    get connections() {
      return served.length
    },
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy()
        server.close(() => resolve())
      }),
  }
}

/** A UDP proxy on `ip:port` to a real server: requests pass, each reply datagram is shaped. */
export async function udpShapingProxy(
  ip: string,
  port: number,
  upstream: Target,
  shape: Shape,
): Promise<ShapingProxy> {
  const served: number[] = []
  const front = dgram.createSocket('udp4')
  const backs = new Set<dgram.Socket>()
  let requests = 0
  front.on('message', (msg, client) => {
    requests++
    const back = dgram.createSocket('udp4')
    backs.add(back)
    back.on('message', (reply) => {
      const out = shapeBytes(reply, 0, shape)
      served.push(out.length)
      front.send(out, client.port, client.address)
    })
    back.send(msg, upstream.port, upstream.ip)
    // a device answers within a second (SSDP lingers less); then the socket goes
    setTimeout(() => {
      if (backs.delete(back)) back.close()
    }, 1500).unref()
  })
  await new Promise<void>((resolve) => front.bind(port, ip, () => resolve()))
  return {
    target: { ip, port, transport: 'udp' },
    served,
    get connections() {
      return requests
    },
    close: () =>
      new Promise((resolve) => {
        for (const b of backs) {
          backs.delete(b)
          b.close()
        }
        front.close(() => resolve())
      }),
  }
}

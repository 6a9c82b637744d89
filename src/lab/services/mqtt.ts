import type net from 'node:net'
import { onRequests } from './line-reader.js'
import type { MqttServiceSpec } from './specs.js'

function remaining(data: Buffer): { length: number; start: number } | undefined {
  let length = 0
  for (let i = 1; i < 5; i++) {
    if (i >= data.length) return undefined
    length += ((data[i] as number) & 0x7f) * 128 ** (i - 1)
    if (((data[i] as number) & 0x80) === 0) return { length, start: i + 1 }
  }
  return { length: Number.POSITIVE_INFINITY, start: 5 }
}

function str(body: Buffer, at: number): [string, number] {
  const len = body.readUInt16BE(at)
  return [body.subarray(at + 2, at + 2 + len).toString('utf8'), at + 2 + len]
}

/**
 * An MQTT broker as IoT gateways embed it: CONNECT accepted anonymously (`auth: none`) or only with
 * the device's credential; a SUBSCRIBE gets SUBACK and, for `$SYS/broker/version`, the version.
 */
export function mqttDevice(spec: MqttServiceSpec, credential?: { username: string; password: string }) {
  return (socket: net.Socket) => {
    let level = 4
    onRequests(socket, (pending) => {
      const r = remaining(pending)
      if (!r) return 0
      if (!Number.isFinite(r.length)) {
        socket.destroy()
        return 0
      }
      if (pending.length < r.start + r.length) return 0
      const type = (pending[0] as number) >> 4
      const body = pending.subarray(r.start, r.start + r.length)
      try {
        if (type === 1) {
          level = body[6] as number
          const flags = body[7] as number
          let at = 10 + (level === 5 ? 1 + (body[10] as number) : 0)
          ;[, at] = str(body, at) // client id
          let username: string | undefined
          let password: string | undefined
          if (flags & 0x80) [username, at] = str(body, at)
          if (flags & 0x40) [password, at] = str(body, at)
          const ok =
            spec.auth === 'none' ||
            (credential !== undefined && username === credential.username && password === credential.password)
          const code = ok ? 0 : level === 5 ? 0x87 : 5
          socket.write(level === 5 ? Buffer.from([0x20, 3, 0, code, 0]) : Buffer.from([0x20, 2, 0, code]))
          if (!ok) socket.end()
        } else if (type === 8) {
          const [topic] = str(body, 2)
          socket.write(Buffer.from([0x90, 3, body[0] as number, body[1] as number, 0]))
          if (topic === '$SYS/broker/version' && spec.version) {
            const t = Buffer.from(topic)
            const payload = Buffer.from(spec.version)
            const pub = Buffer.concat([Buffer.from([t.length >> 8, t.length & 0xff]), t, payload])
            socket.write(Buffer.concat([Buffer.from([0x31, pub.length]), pub]))
          }
        } else if (type === 14) {
          socket.end()
        }
      } catch {
        socket.destroy() // a malformed packet: brokers drop the client
      }
      return r.start + r.length
    })
  }
}

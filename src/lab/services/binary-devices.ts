import type net from 'node:net'
import { onRequests } from './line-reader.js'
import type { AdbServiceSpec, DvripServiceSpec, ModbusServiceSpec } from './specs.js'

const A_CNXN = 0x4e584e43
const A_AUTH = 0x48545541

function adbMessage(command: number, arg0: number, payload: Buffer): Buffer {
  const h = Buffer.alloc(24)
  h.writeUInt32LE(command, 0)
  h.writeUInt32LE(arg0, 4)
  h.writeUInt32LE(256 * 1024, 8)
  h.writeUInt32LE(payload.length, 12)
  h.writeUInt32LE(
    payload.reduce((s, b) => s + b, 0),
    16,
  )
  h.writeUInt32LE((command ^ 0xffffffff) >>> 0, 20)
  return Buffer.concat([h, payload])
}

/** adbd: answers a client's CNXN with its banner (open) or with an AUTH token request. */
export function adbDevice(spec: AdbServiceSpec) {
  return (socket: net.Socket) =>
    onRequests(socket, (pending) => {
      if (pending.length < 24) return 0
      const length = 24 + pending.readUInt32LE(12)
      if (pending.length < length) return 0
      if (pending.readUInt32LE(0) === A_CNXN) {
        socket.write(
          spec.auth === 'none'
            ? adbMessage(A_CNXN, 0x01000001, Buffer.from(`${spec.banner}\0`))
            : adbMessage(A_AUTH, 1, Buffer.alloc(20, 0x5a)),
        )
      }
      return length
    })
}

/** A Xiongmai DVR's 34567: every request without a session is refused with its Ret code. */
export function dvripDevice(spec: DvripServiceSpec) {
  return (socket: net.Socket) =>
    onRequests(socket, (pending) => {
      if (pending.length < 20) return 0
      if (pending[0] !== 0xff) {
        socket.destroy()
        return 0
      }
      const length = 20 + pending.readUInt32LE(16)
      if (pending.length < length) return 0
      const messageId = pending.readUInt16LE(14)
      const body = Buffer.from(`${JSON.stringify({ Name: '', Ret: spec.ret, SessionID: '0x00000000' })}\n\0`)
      const h = Buffer.alloc(20)
      h.writeUInt8(0xff, 0)
      h.writeUInt8(1, 1)
      h.writeUInt16LE(messageId + 1, 14)
      h.writeUInt32LE(body.length, 16)
      socket.write(Buffer.concat([h, body]))
      return length
    })
}

/** A PLC's Modbus/TCP: Read Device Identification answered; every other function is refused. */
export function modbusDevice(spec: ModbusServiceSpec) {
  const objects = [spec.vendor, spec.product_code, spec.revision].map((v, id) =>
    Buffer.concat([Buffer.from([id, Buffer.byteLength(v)]), Buffer.from(v)]),
  )
  return (socket: net.Socket) =>
    onRequests(socket, (pending) => {
      if (pending.length < 7) return 0
      const length = 6 + pending.readUInt16BE(4)
      if (pending.length < length) return 0
      const pdu = pending.subarray(7, length)
      const answer =
        pdu[0] === 0x2b && pdu[1] === 0x0e
          ? Buffer.concat([Buffer.from([0x2b, 0x0e, pdu[2] ?? 1, 0x01, 0, 0, objects.length]), ...objects])
          : Buffer.from([(pdu[0] ?? 0) | 0x80, 0x01]) // illegal function: a lab PLC never writes
      const mbap = Buffer.from(pending.subarray(0, 7))
      mbap.writeUInt16BE(answer.length + 1, 4)
      socket.write(Buffer.concat([mbap, answer]))
      return length
    })
}

/** Dahua's 37777 (DHIP framing as public descriptions give it): every session-less call is refused. */
export function dahuaDevice() {
  return (socket: net.Socket) =>
    onRequests(socket, (pending) => {
      if (pending.length < 32) return 0
      if (pending.subarray(4, 8).toString('latin1') !== 'DHIP') {
        socket.destroy()
        return 0
      }
      const length = 32 + pending.readUInt32LE(16)
      if (pending.length < length) return 0
      const body = Buffer.from(
        JSON.stringify({
          error: { code: 287637505, message: 'Invalid session in request data!' },
          id: 1,
          result: false,
          session: 0,
        }),
      )
      const h = Buffer.alloc(32)
      h.writeUInt32LE(0x20, 0)
      h.write('DHIP', 4, 'latin1')
      h.writeUInt32LE(pending.readUInt32LE(12), 12)
      h.writeUInt32LE(body.length, 16)
      h.writeUInt32LE(body.length, 24)
      socket.write(Buffer.concat([h, body]))
      return length
    })
}

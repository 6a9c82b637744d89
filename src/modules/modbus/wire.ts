import { ProtocolError } from '../../core/scan-status.js'

/**
 * Modbus/TCP (MODBUS Application Protocol 1.1b3 §6.21, Messaging on TCP/IP §3.1): only function 43
 * (Encapsulated Interface Transport) with MEI type 14, Read Device Identification. A read: never a write.
 */
const READ_DEVICE_ID = 0x2b
const MEI_DEVICE_ID = 0x0e

/** Object ids of the basic and regular categories, by name. */
export const OBJECT_NAMES: Record<number, string> = {
  0: 'vendor_name',
  1: 'product_code',
  2: 'revision',
  3: 'vendor_url',
  4: 'product_name',
  5: 'model_name',
  6: 'user_application_name',
}

export const EXCEPTIONS: Record<number, string> = {
  1: 'illegal function',
  2: 'illegal data address',
  3: 'illegal data value',
  4: 'server device failure',
  6: 'server device busy',
  10: 'gateway path unavailable',
  11: 'gateway target device failed to respond',
}

/** Read Device Identification, `code` 1 basic / 2 regular, from object `objectId`. */
export function readDeviceIdRequest(
  transactionId: number,
  unitId: number,
  code: 1 | 2,
  objectId = 0,
): Buffer {
  const pdu = Buffer.from([READ_DEVICE_ID, MEI_DEVICE_ID, code, objectId])
  const mbap = Buffer.alloc(7)
  mbap.writeUInt16BE(transactionId, 0)
  mbap.writeUInt16BE(0, 2)
  mbap.writeUInt16BE(pdu.length + 1, 4)
  mbap.writeUInt8(unitId, 6)
  return Buffer.concat([mbap, pdu])
}

export interface Frame {
  transactionId: number
  unitId: number
  pdu: Buffer
  length: number
}

/** One Modbus/TCP frame; undefined while incomplete; ProtocolError when the header is not Modbus. */
export function parseFrame(data: Buffer): Frame | undefined {
  if (data.length >= 4 && data.readUInt16BE(2) !== 0) throw new ProtocolError('Modbus protocol id is not 0')
  if (data.length < 7) return undefined
  const length = data.readUInt16BE(4)
  if (length < 2 || length > 254) throw new ProtocolError(`Modbus length ${length} out of range`)
  if (data.length < 6 + length) return undefined
  return {
    transactionId: data.readUInt16BE(0),
    unitId: data[6] as number,
    pdu: data.subarray(7, 6 + length),
    length: 6 + length,
  }
}

export type DeviceIdAnswer =
  | { kind: 'exception'; code: number }
  | { kind: 'objects'; conformity: number; more: boolean; nextObjectId: number; objects: Map<number, Buffer> }

export function parseDeviceId(pdu: Buffer): DeviceIdAnswer {
  const fn = pdu[0]
  if (fn === (READ_DEVICE_ID | 0x80)) return { kind: 'exception', code: pdu[1] ?? 0 }
  if (fn !== READ_DEVICE_ID || pdu[1] !== MEI_DEVICE_ID || pdu.length < 7) {
    throw new ProtocolError('not a Read Device Identification response')
  }
  const objects = new Map<number, Buffer>()
  const count = pdu[6] as number
  let i = 7
  for (let k = 0; k < count; k++) {
    if (i + 2 > pdu.length) throw new ProtocolError('device identification object header past the frame')
    const id = pdu[i] as number
    const len = pdu[i + 1] as number
    if (i + 2 + len > pdu.length) throw new ProtocolError('device identification object past the frame')
    objects.set(id, pdu.subarray(i + 2, i + 2 + len))
    i += 2 + len
  }
  return {
    kind: 'objects',
    conformity: pdu[3] as number,
    more: pdu[4] === 0xff,
    nextObjectId: pdu[5] as number,
    objects,
  }
}

import { ProtocolError } from '../../core/scan-status.js'

/**
 * Xiongmai "DVRIP"/Sofia framing (port 34567): a 20-byte little-endian header — 0xFF, version,
 * 2 reserved, session id, sequence, 2 reserved, message id (u16), body length (u32) — then a JSON
 * body ending in "\n\0". Layout as public client libraries pack it (`<BB2xII2xHI`).
 */
const HEADER_LENGTH = 20
const MAX_BODY = 64 * 1024

/** Message ids we send: system information, asked without a session (no login). */
export const SYSINFO_REQ = 1020

export interface DvripMessage {
  version: number
  session: number
  sequence: number
  messageId: number
  body: Buffer
  length: number
}

export function request(messageId: number, body: object, session = 0, sequence = 0): Buffer {
  const json = Buffer.concat([Buffer.from(JSON.stringify(body)), Buffer.from('\n\0')])
  const h = Buffer.alloc(HEADER_LENGTH)
  h.writeUInt8(0xff, 0)
  h.writeUInt8(0, 1)
  h.writeUInt32LE(session, 4)
  h.writeUInt32LE(sequence, 8)
  h.writeUInt16LE(messageId, 14)
  h.writeUInt32LE(json.length, 16)
  return Buffer.concat([h, json])
}

/** One message; undefined while incomplete; ProtocolError when the first byte is not 0xFF or the length is absurd. */
export function parseMessage(data: Buffer): DvripMessage | undefined {
  if (data.length > 0 && data[0] !== 0xff)
    throw new ProtocolError('not a DVRIP message (first byte is not 0xFF)')
  if (data.length < HEADER_LENGTH) return undefined
  const length = data.readUInt32LE(16)
  if (length > MAX_BODY) throw new ProtocolError(`DVRIP body of ${length} bytes`)
  if (data.length < HEADER_LENGTH + length) return undefined
  return {
    version: data[1] as number,
    session: data.readUInt32LE(4),
    sequence: data.readUInt32LE(8),
    messageId: data.readUInt16LE(14),
    body: data.subarray(HEADER_LENGTH, HEADER_LENGTH + length),
    length: HEADER_LENGTH + length,
  }
}

/** The JSON body as an object, or undefined when it is not JSON (binary replies exist). */
export function parseBody(body: Buffer): Record<string, unknown> | undefined {
  const end = body.indexOf(0)
  const text = (end < 0 ? body : body.subarray(0, end)).toString('utf8').trim()
  try {
    const value = JSON.parse(text) as unknown
    return value && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined
  } catch {
    return undefined
  }
}

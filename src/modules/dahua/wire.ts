import { ProtocolError } from '../../core/scan-status.js'

/**
 * Dahua's private port (37777) as publicly described: "DHIP" frames, a 32-byte little-endian header
 * (0x20000000, "DHIP", session, id, body length, 0, body length, 0) then a JSON-RPC body. An RPC
 * without a session is refused with an error object, which is enough to identify the service.
 * Not checked against a real device here (see docs/protocols.md).
 */
const HEADER_LENGTH = 32
const MAGIC = Buffer.from('DHIP')
const MAX_BODY = 64 * 1024

export function request(id: number, body: object): Buffer {
  const json = Buffer.from(JSON.stringify(body))
  const h = Buffer.alloc(HEADER_LENGTH)
  h.writeUInt32LE(0x20, 0)
  MAGIC.copy(h, 4)
  h.writeUInt32LE(0, 8)
  h.writeUInt32LE(id, 12)
  h.writeUInt32LE(json.length, 16)
  h.writeUInt32LE(json.length, 24)
  return Buffer.concat([h, json])
}

export interface DhipFrame {
  session: number
  id: number
  body: Buffer
  length: number
}

/** One DHIP frame; undefined while incomplete; ProtocolError when the magic is not there. */
export function parseFrame(data: Buffer): DhipFrame | undefined {
  if (data.length >= 8 && !data.subarray(4, 8).equals(MAGIC)) throw new ProtocolError('not a DHIP frame')
  if (data.length < HEADER_LENGTH) return undefined
  const length = data.readUInt32LE(16)
  if (length > MAX_BODY) throw new ProtocolError(`DHIP body of ${length} bytes`)
  if (data.length < HEADER_LENGTH + length) return undefined
  return {
    session: data.readUInt32LE(8),
    id: data.readUInt32LE(12),
    body: data.subarray(HEADER_LENGTH, HEADER_LENGTH + length),
    length: HEADER_LENGTH + length,
  }
}

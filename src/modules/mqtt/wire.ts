import { ProtocolError } from '../../core/scan-status.js'

/** MQTT control packet types we send or read (MQTT 3.1.1 §2.2.1, 5.0 §2.1.2). */
export const CONNECT = 1
const CONNACK = 2
export const PUBLISH = 3
const SUBSCRIBE = 8
const DISCONNECT = 14

export interface MqttPacket {
  type: number
  flags: number
  body: Buffer
  /** Bytes the packet took. */
  length: number
}

/** A remaining length is at most 4 bytes (max 268,435,455). */
function encodeLength(n: number): Buffer {
  const out: number[] = []
  do {
    let byte = n % 128
    n = Math.floor(n / 128)
    if (n > 0) byte |= 0x80
    out.push(byte)
  } while (n > 0)
  return Buffer.from(out)
}

function utf8(s: string): Buffer {
  const b = Buffer.from(s, 'utf8')
  return Buffer.concat([Buffer.from([b.length >> 8, b.length & 0xff]), b])
}

function packet(type: number, flags: number, body: Buffer): Buffer {
  return Buffer.concat([Buffer.from([(type << 4) | flags]), encodeLength(body.length), body])
}

/** CONNECT with clean session, no will, no username or password: what an anonymous client sends. */
export function connectPacket(version: 4 | 5, clientId: string, keepAlive = 30): Buffer {
  const head = Buffer.concat([utf8('MQTT'), Buffer.from([version, 0x02, keepAlive >> 8, keepAlive & 0xff])])
  const props = version === 5 ? Buffer.from([0]) : Buffer.alloc(0)
  return packet(CONNECT, 0, Buffer.concat([head, props, utf8(clientId)]))
}

export function subscribePacket(packetId: number, topic: string): Buffer {
  const props = Buffer.alloc(0) // 3.1.1 only: we subscribe after a 3.1.1 CONNECT
  return packet(
    SUBSCRIBE,
    0x2,
    Buffer.concat([Buffer.from([packetId >> 8, packetId & 0xff]), props, utf8(topic), Buffer.from([0])]),
  )
}

export function disconnectPacket(): Buffer {
  return Buffer.from([DISCONNECT << 4, 0])
}

/** Reads one packet; undefined while incomplete. Throws ProtocolError on a malformed length. */
export function parsePacket(data: Buffer, maxBody = 64 * 1024): MqttPacket | undefined {
  if (data.length < 2) return undefined
  const first = data[0] as number
  let length = 0
  let multiplier = 1
  let i = 1
  while (true) {
    if (i > 4) throw new ProtocolError('MQTT remaining length longer than 4 bytes')
    if (i >= data.length) return undefined
    const byte = data[i] as number
    length += (byte & 0x7f) * multiplier
    multiplier *= 128
    i++
    if ((byte & 0x80) === 0) break
  }
  if (length > maxBody) throw new ProtocolError(`MQTT packet of ${length} bytes is over the ${maxBody} limit`)
  if (data.length < i + length) return undefined
  return { type: first >> 4, flags: first & 0x0f, body: data.subarray(i, i + length), length: i + length }
}

export interface Connack {
  session_present: boolean
  /** 3.1.1 return code or 5.0 reason code. */
  code: number
  /** MQTT 5 property identifiers present (e.g. 0x22 topic alias maximum). */
  property_ids?: number[]
}

export function parseConnack(p: MqttPacket, version: 4 | 5): Connack {
  if (p.type !== CONNACK || p.body.length < 2) {
    throw new ProtocolError(`expected CONNACK, got packet type ${p.type} of ${p.body.length} bytes`)
  }
  const out: Connack = { session_present: ((p.body[0] as number) & 1) === 1, code: p.body[1] as number }
  if (version === 5 && p.body.length > 2) out.property_ids = propertyIds(p.body.subarray(2))
  return out
}

/** Property identifiers of an MQTT 5 property block (length varint, then id + value pairs). */
function propertyIds(block: Buffer): number[] {
  const ids: number[] = []
  const lenPacket = parsePacket(Buffer.concat([Buffer.from([0]), block]), block.length)
  if (!lenPacket) return ids
  const props = lenPacket.body
  let i = 0
  while (i < props.length && ids.length < 32) {
    const id = props[i++] as number
    ids.push(id)
    const size = PROPERTY_SIZES[id]
    if (size === undefined) break // unknown or variable (strings, user properties): stop, keep what we have
    i += size
  }
  return ids
}

/** Fixed-size MQTT 5 CONNACK properties (id → value bytes). */
const PROPERTY_SIZES: Record<number, number> = {
  17: 4, // session expiry interval
  19: 2, // server keep alive
  33: 2, // receive maximum
  34: 2, // topic alias maximum
  36: 1, // maximum QoS
  37: 1, // retain available
  39: 4, // maximum packet size
  40: 1, // wildcard subscription available
  41: 1, // subscription identifiers available
  42: 1, // shared subscription available
}

/** A PUBLISH's topic and payload (QoS 0: no packet id). */
export function parsePublish(p: MqttPacket): { topic: string; payload: Buffer } | undefined {
  if (p.type !== PUBLISH || p.body.length < 2) return undefined
  const len = p.body.readUInt16BE(0)
  if (2 + len > p.body.length) return undefined
  const qos = (p.flags >> 1) & 3
  const start = 2 + len + (qos > 0 ? 2 : 0)
  return { topic: p.body.subarray(2, 2 + len).toString('utf8'), payload: p.body.subarray(start) }
}

/** The meaning of a 3.1.1 CONNACK return code (§3.2.2.3). */
export const RETURN_CODES: Record<number, string> = {
  0: 'accepted',
  1: 'unacceptable protocol version',
  2: 'identifier rejected',
  3: 'server unavailable',
  4: 'bad user name or password',
  5: 'not authorized',
}

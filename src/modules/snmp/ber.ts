import { ProtocolError } from '../../core/scan-status.js'

/** A BER TLV (X.690) as SNMP uses it: tag, then children for constructed types, else raw value bytes. */
export interface Tlv {
  tag: number
  value: Buffer
  children?: Tlv[]
}

const MAX_DEPTH = 12
const MAX_CHILDREN = 256

function encodeLength(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n])
  const bytes: number[] = []
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff)
  return Buffer.from([0x80 | bytes.length, ...bytes])
}

function tlv(tag: number, value: Buffer): Buffer {
  return Buffer.concat([Buffer.from([tag]), encodeLength(value.length), value])
}

export function seq(tag: number, ...items: Buffer[]): Buffer {
  return tlv(tag, Buffer.concat(items))
}

export function int(n: number): Buffer {
  const bytes: number[] = []
  let v = n
  do {
    bytes.unshift(v & 0xff)
    v = Math.floor(v / 256)
  } while (v > 0)
  if ((bytes[0] as number) & 0x80) bytes.unshift(0)
  return tlv(0x02, Buffer.from(bytes))
}

export function octets(s: string | Buffer): Buffer {
  return tlv(0x04, typeof s === 'string' ? Buffer.from(s, 'latin1') : s)
}

export function oid(dotted: string): Buffer {
  const parts = dotted.split('.').map(Number)
  const out: number[] = [(parts[0] ?? 0) * 40 + (parts[1] ?? 0)]
  for (const p of parts.slice(2)) {
    const chunk: number[] = [p & 0x7f]
    for (let v = Math.floor(p / 128); v > 0; v = Math.floor(v / 128)) chunk.unshift((v & 0x7f) | 0x80)
    out.push(...chunk)
  }
  return tlv(0x06, Buffer.from(out))
}

export const NULL = Buffer.from([0x05, 0x00])

/** Decodes every TLV in `data`. Throws ProtocolError on lengths that run past the data or nest too deep. */
export function decode(data: Buffer, depth = 0): Tlv[] {
  if (depth > MAX_DEPTH) throw new ProtocolError('BER nested too deep')
  const out: Tlv[] = []
  let i = 0
  while (i < data.length) {
    if (out.length >= MAX_CHILDREN) throw new ProtocolError('too many BER elements')
    const tag = data[i++] as number
    if ((tag & 0x1f) === 0x1f) throw new ProtocolError('multi-byte BER tags are not SNMP')
    if (i >= data.length) throw new ProtocolError('BER length missing')
    let length = data[i++] as number
    if (length & 0x80) {
      const n = length & 0x7f
      if (n === 0 || n > 4 || i + n > data.length) throw new ProtocolError('bad BER length')
      length = 0
      for (let k = 0; k < n; k++) length = length * 256 + (data[i++] as number)
    }
    if (i + length > data.length) throw new ProtocolError('BER value runs past the data')
    const value = data.subarray(i, i + length)
    i += length
    const node: Tlv = { tag, value }
    if (tag & 0x20) node.children = decode(value, depth + 1)
    out.push(node)
  }
  return out
}

export function toInt(node: Tlv | undefined): number {
  if (!node || node.value.length === 0 || node.value.length > 6) throw new ProtocolError('bad BER integer')
  let n = (node.value[0] as number) & 0x80 ? -1 : 0
  for (const b of node.value) n = n * 256 + b
  return n
}

export function toOid(node: Tlv): string {
  const v = node.value
  if (v.length === 0 || v.length > 128) throw new ProtocolError('bad OID length')
  const first = v[0] as number
  const parts = [Math.min(2, Math.floor(first / 40)), first - Math.min(2, Math.floor(first / 40)) * 40]
  let n = 0
  for (const b of v.subarray(1)) {
    n = n * 128 + (b & 0x7f)
    if (n > Number.MAX_SAFE_INTEGER / 128) throw new ProtocolError('OID arc too large')
    if ((b & 0x80) === 0) {
      parts.push(n)
      n = 0
    }
  }
  return parts.join('.')
}

/** Child `i` of a constructed node, or a ProtocolError naming what was expected. */
export function child(node: Tlv | undefined, i: number, what: string): Tlv {
  const c = node?.children?.[i]
  if (!c) throw new ProtocolError(`SNMP message lacks ${what}`)
  return c
}

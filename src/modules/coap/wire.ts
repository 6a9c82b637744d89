import { ProtocolError } from '../../core/scan-status.js'

/** CoAP (RFC 7252 §3) message types and the options we read. */
export const ACK = 2
export const RST = 3
const URI_PATH = 11
const CONTENT_FORMAT = 12
const BLOCK2 = 23

export interface CoapMessage {
  type: number
  /** `class.detail`, e.g. `2.05`; `0.00` is an empty message. */
  code: string
  messageId: number
  token: Buffer
  options: { number: number; value: Buffer }[]
  payload: Buffer
}

/** A confirmable GET for `path` (segments joined by `/`). */
export function getRequest(path: string, messageId: number, token: Buffer): Buffer {
  const parts: Buffer[] = [Buffer.from([0x40 | token.length, 0x01, messageId >> 8, messageId & 0xff]), token]
  let last = 0
  for (const segment of path.split('/').filter(Boolean)) {
    parts.push(option(URI_PATH - last, Buffer.from(segment)))
    last = URI_PATH
  }
  return Buffer.concat(parts)
}

function nibble(n: number): [number, Buffer] {
  if (n < 13) return [n, Buffer.alloc(0)]
  if (n < 269) return [13, Buffer.from([n - 13])]
  return [14, Buffer.from([(n - 269) >> 8, (n - 269) & 0xff])]
}

function option(delta: number, value: Buffer): Buffer {
  const [d, dx] = nibble(delta)
  const [l, lx] = nibble(value.length)
  return Buffer.concat([Buffer.from([(d << 4) | l]), dx, lx, value])
}

/** Parses one datagram. Throws ProtocolError on anything that is not CoAP version 1. */
export function parseMessage(data: Buffer): CoapMessage {
  if (data.length < 4) throw new ProtocolError('CoAP message shorter than its 4-byte header')
  const first = data[0] as number
  if (first >> 6 !== 1) throw new ProtocolError(`not CoAP version 1 (first byte 0x${first.toString(16)})`)
  const tkl = first & 0x0f
  if (tkl > 8 || data.length < 4 + tkl) throw new ProtocolError('bad CoAP token length')
  const codeByte = data[1] as number
  const msg: CoapMessage = {
    type: (first >> 4) & 3,
    code: `${codeByte >> 5}.${String(codeByte & 0x1f).padStart(2, '0')}`,
    messageId: data.readUInt16BE(2),
    token: data.subarray(4, 4 + tkl),
    options: [],
    payload: Buffer.alloc(0),
  }
  let i = 4 + tkl
  let number = 0
  while (i < data.length) {
    const byte = data[i] as number
    if (byte === 0xff) {
      if (i + 1 >= data.length) throw new ProtocolError('CoAP payload marker without payload')
      msg.payload = data.subarray(i + 1)
      break
    }
    i++
    const read = (n: number): number => {
      if (n < 13) return n
      if (n === 13 && i < data.length) return (data[i++] as number) + 13
      if (n === 14 && i + 1 < data.length) {
        const v = data.readUInt16BE(i) + 269
        i += 2
        return v
      }
      throw new ProtocolError('bad CoAP option header')
    }
    number += read(byte >> 4)
    const length = read(byte & 0x0f)
    if (i + length > data.length) throw new ProtocolError('CoAP option runs past the datagram')
    if (msg.options.length < 64) msg.options.push({ number, value: data.subarray(i, i + length) })
    i += length
  }
  return msg
}

function uint(b: Buffer): number {
  let n = 0
  for (const byte of b.subarray(0, 4)) n = n * 256 + byte
  return n
}

export function contentFormat(msg: CoapMessage): number | undefined {
  const o = msg.options.find((x) => x.number === CONTENT_FORMAT)
  return o ? uint(o.value) : undefined
}

/** Whether a Block2 option says more blocks follow (we keep the first only). */
export function moreBlocks(msg: CoapMessage): boolean {
  const o = msg.options.find((x) => x.number === BLOCK2)
  return o !== undefined && o.value.length > 0 && ((o.value[o.value.length - 1] as number) & 0x08) !== 0
}

export interface CoreLink {
  path: string
  /** Link attributes (rt, if, ct, title, obs, sz...), values unquoted. */
  attributes: Record<string, string>
}

/** RFC 6690 CoRE Link Format: `</a>;rt="x";ct=0,</b>`. Bounded; malformed entries are skipped. */
export function parseLinkFormat(text: string, max = 64): CoreLink[] {
  const links: CoreLink[] = []
  for (const m of text.matchAll(/<([^>]{0,256})>((?:;[^,;<]{0,256})*)/g)) {
    if (links.length >= max) break
    const attributes: Record<string, string> = {}
    for (const a of (m[2] ?? '').split(';').slice(1, 16)) {
      const eq = a.indexOf('=')
      const name = (eq < 0 ? a : a.slice(0, eq)).trim()
      if (name)
        attributes[name] =
          eq < 0
            ? ''
            : a
                .slice(eq + 1)
                .trim()
                .replace(/^"|"$/g, '')
    }
    links.push({ path: m[1] as string, attributes })
  }
  return links
}

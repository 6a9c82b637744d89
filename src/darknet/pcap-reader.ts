import { MamoriError } from '../core/errors.js'

/** Largest packet record read; a record claiming more is hostile or corrupt (tcpdump's own cap is 256 KiB). */
const MAX_PACKET_BYTES = 262_144
/** Largest pcapng block; larger is refused rather than buffered. */
const MAX_BLOCK_BYTES = 16 * 1024 * 1024
const MAX_INTERFACES = 4096

/**
 * Receives each packet: time in ms since the epoch, the link type, and the captured bytes as a view
 * into the reader's buffer (valid only during the call: copy what you keep).
 */
export type PacketHandler = (
  timeMs: number,
  linkType: number,
  buf: Buffer,
  offset: number,
  length: number,
) => void

/** Where in the input a problem is: the byte offset of the record or block that is wrong. */
function bad(name: string, offset: number, reason: string): MamoriError {
  return new MamoriError('ERR_IMPORT', `${name}: byte ${offset}: ${reason}`)
}

interface Interface {
  linkType: number
  /** Units per second of its timestamps (pcapng if_tsresol; 10^6 by default). */
  unitsPerSecond: number
}

/**
 * Reads a capture file as it streams: classic pcap (microsecond or nanosecond, either byte order) or
 * pcapng (SHB, IDB, EPB, SPB; other blocks skipped; byte order per section). Memory stays bounded by
 * the largest record. Bad magic, a truncated record, a record or block larger than the limits, or an
 * interface that was never described is ERR_IMPORT with the byte offset; nothing is ever guessed.
 */
export async function readCapture(
  name: string,
  chunks: AsyncIterable<Buffer>,
  onPacket: PacketHandler,
): Promise<{ packets: number; bytes: number; format: 'pcap' | 'pcapng' }> {
  let buf: Buffer = Buffer.alloc(0)
  let pos = 0 // position in buf
  let base = 0 // file offset of buf[0]
  let packets = 0
  let format: 'pcap' | 'pcapng' | undefined
  // classic pcap state
  let le = true
  let nanos = false
  let linkType = 0
  let snaplen = 0
  let headerRead = false
  // pcapng state
  const interfaces: Interface[] = []

  const parseClassicHeader = (): boolean => {
    if (buf.length - pos < 24) return false
    const magic = buf.readUInt32LE(pos)
    le = magic === 0xa1b2c3d4 || magic === 0xa1b23c4d
    nanos = magic === 0xa1b23c4d || magic === 0x4d3cb2a1
    const major = le ? buf.readUInt16LE(pos + 4) : buf.readUInt16BE(pos + 4)
    if (major !== 2) throw bad(name, base + pos + 4, `unsupported pcap version ${major}`)
    snaplen = le ? buf.readUInt32LE(pos + 16) : buf.readUInt32BE(pos + 16)
    linkType = (le ? buf.readUInt32LE(pos + 20) : buf.readUInt32BE(pos + 20)) & 0x0fffffff
    pos += 24
    headerRead = true
    return true
  }

  /** Reads as many classic records as the buffer holds; false when it needs more bytes. */
  const classicRecords = () => {
    const limit = Math.min(MAX_PACKET_BYTES, Math.max(snaplen, 65535))
    const div = nanos ? 1e6 : 1e3
    const fracLimit = nanos ? 1e9 : 1e6
    const b = buf
    const n = b.length
    // header fields read byte by byte: this loop runs a million times a second
    const word = le
      ? (at: number) =>
          ((b[at] as number) |
            ((b[at + 1] as number) << 8) |
            ((b[at + 2] as number) << 16) |
            ((b[at + 3] as number) << 24)) >>>
          0
      : (at: number) =>
          (((b[at] as number) << 24) |
            ((b[at + 1] as number) << 16) |
            ((b[at + 2] as number) << 8) |
            (b[at + 3] as number)) >>>
          0
    let p = pos
    while (n - p >= 16) {
      const incl = word(p + 8)
      if (incl > limit) {
        pos = p
        throw bad(name, base + p, `packet record of ${incl} bytes (limit ${limit})`)
      }
      const frac = word(p + 4)
      if (frac >= fracLimit) {
        pos = p
        throw bad(name, base + p, `bad timestamp fraction ${frac}`)
      }
      if (n - p - 16 < incl) break
      onPacket(word(p) * 1000 + frac / div, linkType, b, p + 16, incl)
      packets++
      p += 16 + incl
    }
    pos = p
  }

  let ngLe = true
  const u32 = (at: number) => (ngLe ? buf.readUInt32LE(at) : buf.readUInt32BE(at))
  const u16 = (at: number) => (ngLe ? buf.readUInt16LE(at) : buf.readUInt16BE(at))

  const ngBlocks = () => {
    while (buf.length - pos >= 12) {
      let type = u32(pos)
      if (type === 0x0a0d0d0a) {
        // a new section: its byte-order magic decides how everything after it reads
        const bom = buf.readUInt32LE(pos + 8)
        if (bom === 0x1a2b3c4d) ngLe = true
        else if (bom === 0x4d3c2b1a) ngLe = false
        else throw bad(name, base + pos + 8, 'pcapng section with a bad byte-order magic')
        type = 0x0a0d0d0a
        interfaces.length = 0
      }
      const total = u32(pos + 4)
      if (total < 12 || total % 4 !== 0)
        throw bad(name, base + pos, `pcapng block length ${total} is invalid`)
      if (total > MAX_BLOCK_BYTES)
        throw bad(name, base + pos, `pcapng block of ${total} bytes (limit ${MAX_BLOCK_BYTES})`)
      if (buf.length - pos < total) return
      if (u32(pos + total - 4) !== total)
        throw bad(name, base + pos, 'pcapng block length does not match its trailer')
      if (type === 1) {
        if (total < 20) throw bad(name, base + pos, 'pcapng interface block too short')
        if (interfaces.length >= MAX_INTERFACES) throw bad(name, base + pos, 'too many pcapng interfaces')
        interfaces.push({ linkType: u16(pos + 8), unitsPerSecond: tsResolution(pos + 16, pos + total - 4) })
      } else if (type === 6) {
        if (total < 32) throw bad(name, base + pos, 'pcapng packet block too short')
        const iface = interfaces[u32(pos + 8)]
        if (!iface) throw bad(name, base + pos, `packet on undescribed pcapng interface ${u32(pos + 8)}`)
        const ts = u32(pos + 12) * 4294967296 + u32(pos + 16)
        const captured = u32(pos + 20)
        if (captured > Math.min(MAX_PACKET_BYTES, total - 32))
          throw bad(name, base + pos, `packet of ${captured} bytes does not fit its block`)
        onPacket((ts / iface.unitsPerSecond) * 1000, iface.linkType, buf, pos + 28, captured)
        packets++
      } else if (type === 3) {
        const iface = interfaces[0]
        if (!iface) throw bad(name, base + pos, 'simple packet block before any interface')
        const len = Math.min(u32(pos + 8), total - 16)
        onPacket(0, iface.linkType, buf, pos + 12, len)
        packets++
      }
      pos += total
    }
  }

  /** if_tsresol (option 9) of an IDB's options: 10^-n, or 2^-n when the top bit is set. */
  const tsResolution = (from: number, to: number): number => {
    for (let at = from; at + 4 <= to; ) {
      const code = u16(at)
      const len = u16(at + 2)
      if (code === 0) break
      if (code === 9 && len >= 1 && at + 4 < to) {
        const v = buf[at + 4] as number
        return v & 0x80 ? 2 ** (v & 0x7f) : 10 ** Math.min(v, 15)
      }
      at += 4 + ((len + 3) & ~3)
    }
    return 1e6
  }

  for await (const chunk of chunks) {
    buf = pos < buf.length ? Buffer.concat([buf.subarray(pos), chunk]) : chunk
    base += pos
    pos = 0
    if (!format) {
      if (buf.length < 4) continue
      const magic = buf.readUInt32LE(0)
      if ([0xa1b2c3d4, 0xd4c3b2a1, 0xa1b23c4d, 0x4d3cb2a1].includes(magic)) format = 'pcap'
      else if (magic === 0x0a0d0d0a) format = 'pcapng'
      else throw bad(name, 0, `not a pcap or pcapng file (magic 0x${magic.toString(16).padStart(8, '0')})`)
    }
    if (format === 'pcap') {
      if (!headerRead && !parseClassicHeader()) continue
      classicRecords()
    } else ngBlocks()
  }
  const left = buf.length - pos
  if (!format) throw bad(name, 0, buf.length === 0 ? 'empty file' : 'too short for a capture header')
  if (format === 'pcap' && !headerRead) throw bad(name, 0, 'truncated pcap file header')
  if (left > 0)
    throw bad(
      name,
      base + pos,
      `truncated ${format === 'pcap' ? 'packet record' : 'pcapng block'} (${left} bytes left)`,
    )
  return { packets, bytes: base + pos, format }
}

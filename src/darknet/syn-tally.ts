/** Per-source counters of unsolicited TCP SYNs. */
export interface SourceTally {
  /** IPv4 source address as an unsigned 32-bit number. */
  src: number
  first: number
  last: number
  syns: number
  /** SYNs whose sequence number equals their destination address: Mirai's fingerprint. */
  miraiSyns: number
  port23: number
  port2323: number
  otherPorts: number
  /** Destinations seen, as a linear-counting bitmap (see distinctDestinations). */
  destBits: Uint8Array
}

/** Zero bits in each byte value. */
const ZERO_BITS = Uint8Array.from({ length: 256 }, (_, v) => 8 - v.toString(2).replaceAll('0', '').length)

/** Bits per source for distinct destinations: 1 KiB each, accurate to a few % up to ~20,000 addresses. */
const DEST_BITS = 8192

/**
 * Distinct destinations of a source, estimated by linear counting (Whang et al., 1990) over its
 * bitmap: exact enough to tell a scanner's spread from a retry, in fixed memory per source.
 */
export function distinctDestinations(t: SourceTally): number {
  let zeros = 0
  for (const byte of t.destBits) zeros += ZERO_BITS[byte] as number
  if (zeros === 0) return Math.round(DEST_BITS * Math.log(DEST_BITS))
  return Math.round(-DEST_BITS * Math.log(zeros / DEST_BITS))
}

/** What was read and why packets did not count. */
export interface TallyStats {
  packets: number
  syns: number
  /** SYNs to addresses outside the darknet blocks given. */
  outsideBlocks: number
  /** TCP packets other than a bare SYN (SYN-ACK backscatter, RST, data). */
  otherTcp: number
  /** IPv4 packets that are not TCP, or later fragments. */
  otherIp: number
  /** Not IPv4, or a link type this reader does not decode, or too short. */
  undecoded: number
  /** Sources past the cap whose SYNs were counted in `syns` only. */
  droppedSources: number
}

function u32(b: Buffer, at: number): number {
  return (
    (((b[at] as number) << 24) |
      ((b[at + 1] as number) << 16) |
      ((b[at + 2] as number) << 8) |
      (b[at + 3] as number)) >>>
    0
  )
}

/** Where the IPv4 header starts for a link type, or -1 when the frame is not IPv4 (or unknown). */
function ipOffset(linkType: number, buf: Buffer, off: number, len: number): number {
  switch (linkType) {
    case 1: {
      // Ethernet, with up to two VLAN tags
      let at = off + 12
      let type = len >= 14 ? buf.readUInt16BE(at) : 0
      for (let tags = 0; (type === 0x8100 || type === 0x88a8) && tags < 2; tags++) {
        at += 4
        type = at + 2 <= off + len ? buf.readUInt16BE(at) : 0
      }
      return type === 0x0800 ? at + 2 : -1
    }
    case 101:
    case 228:
      return off // raw IP / raw IPv4
    case 113:
      return len >= 16 && buf.readUInt16BE(off + 14) === 0x0800 ? off + 16 : -1 // Linux cooked v1
    case 276:
      return len >= 20 && buf.readUInt16BE(off) === 0x0800 ? off + 20 : -1 // Linux cooked v2
    case 0:
      return len >= 4 && (buf.readUInt32LE(off) === 2 || buf.readUInt32BE(off) === 2) ? off + 4 : -1 // BSD loopback
    default:
      return -1
  }
}

/**
 * Tallies unsolicited TCP SYNs (SYN set, ACK clear) per source address, optionally only those to the
 * darknet's blocks. Memory: at most `maxSources` sources, each with bounded sets.
 */
export class SynTally {
  readonly stats: TallyStats = {
    packets: 0,
    syns: 0,
    outsideBlocks: 0,
    otherTcp: 0,
    otherIp: 0,
    undecoded: 0,
    droppedSources: 0,
  }
  readonly #sources = new Map<number, SourceTally>()
  readonly #blocks: readonly { base: number; mask: number }[]
  readonly #maxSources: number

  constructor(o: { blocks?: readonly { base: number; mask: number }[]; maxSources?: number } = {}) {
    this.#blocks = o.blocks ?? []
    this.#maxSources = o.maxSources ?? 1_000_000
  }

  /** One captured frame (a PacketHandler). */
  packet = (timeMs: number, linkType: number, buf: Buffer, off: number, len: number): void => {
    const stats = this.stats
    stats.packets++
    // bytes are read directly (b[i] << 8 | b[i + 1]): this runs a million times a second
    const ip =
      linkType === 1 && len >= 14 && buf[off + 12] === 0x08 && buf[off + 13] === 0
        ? off + 14
        : ipOffset(linkType, buf, off, len)
    const end = off + len
    if (ip < 0 || ip + 20 > end || ((buf[ip] as number) & 0xf0) !== 0x40) {
      stats.undecoded++
      return
    }
    const ihl = ((buf[ip] as number) & 0x0f) * 4
    // a later fragment carries no TCP header
    if (buf[ip + 9] !== 6 || ihl < 20 || (((buf[ip + 6] as number) & 0x1f) | (buf[ip + 7] as number)) !== 0) {
      stats.otherIp++
      return
    }
    const tcp = ip + ihl
    if (tcp + 14 > end) {
      stats.undecoded++
      return
    }
    if (((buf[tcp + 13] as number) & 0x12) !== 0x02) {
      stats.otherTcp++
      return
    }
    const dst = u32(buf, ip + 16)
    if (this.#blocks.length && !this.#inBlocks(dst)) {
      stats.outsideBlocks++
      return
    }
    stats.syns++
    const src = u32(buf, ip + 12)
    // keyed as int32: a small integer to V8, where an address above 2^31 as a double hashes slowly
    const key = src | 0
    let t = this.#sources.get(key)
    if (!t) {
      if (this.#sources.size >= this.#maxSources) {
        stats.droppedSources++
        return
      }
      t = {
        src,
        first: timeMs,
        last: timeMs,
        syns: 0,
        miraiSyns: 0,
        port23: 0,
        port2323: 0,
        otherPorts: 0,
        destBits: new Uint8Array(DEST_BITS / 8),
      }
      this.#sources.set(key, t)
    }
    t.syns++
    if (timeMs < t.first) t.first = timeMs
    if (timeMs > t.last) t.last = timeMs
    if (u32(buf, tcp + 4) === dst) t.miraiSyns++
    const port = ((buf[tcp + 2] as number) << 8) | (buf[tcp + 3] as number)
    if (port === 23) t.port23++
    else if (port === 2323) t.port2323++
    else t.otherPorts++
    const h = Math.imul(dst, 0x9e3779b1) >>> 19
    t.destBits[h >>> 3] = (t.destBits[h >>> 3] as number) | (1 << (h & 7))
  }

  #inBlocks(dst: number): boolean {
    for (const b of this.#blocks) if ((dst & b.mask) >>> 0 === b.base) return true
    return false
  }

  sources(): SourceTally[] {
    return [...this.#sources.values()]
  }
}

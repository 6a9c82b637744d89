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
  /** Distinct destinations, counted exactly up to MAX_DESTS_KEPT. */
  dests: Set<number>
  destsOverflow: boolean
  /** Distinct destination ports, up to MAX_PORTS_KEPT. */
  ports: Set<number>
}

const MAX_DESTS_KEPT = 65_536
const MAX_PORTS_KEPT = 256

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
    this.stats.packets++
    const ip = ipOffset(linkType, buf, off, len)
    const end = off + len
    if (ip < 0 || ip + 20 > end || (buf[ip] as number) >> 4 !== 4) {
      this.stats.undecoded++
      return
    }
    const ihl = ((buf[ip] as number) & 0x0f) * 4
    // a later fragment carries no TCP header
    if (buf[ip + 9] !== 6 || ihl < 20 || (buf.readUInt16BE(ip + 6) & 0x1fff) !== 0) {
      this.stats.otherIp++
      return
    }
    const tcp = ip + ihl
    if (tcp + 14 > end) {
      this.stats.undecoded++
      return
    }
    if (((buf[tcp + 13] as number) & 0x12) !== 0x02) {
      this.stats.otherTcp++
      return
    }
    const dst = buf.readUInt32BE(ip + 16)
    if (this.#blocks.length && !this.#blocks.some((b) => (dst & b.mask) >>> 0 === b.base)) {
      this.stats.outsideBlocks++
      return
    }
    this.stats.syns++
    const src = buf.readUInt32BE(ip + 12)
    let t = this.#sources.get(src)
    if (!t) {
      if (this.#sources.size >= this.#maxSources) {
        this.stats.droppedSources++
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
        dests: new Set(),
        destsOverflow: false,
        ports: new Set(),
      }
      this.#sources.set(src, t)
    }
    t.syns++
    if (timeMs < t.first) t.first = timeMs
    if (timeMs > t.last) t.last = timeMs
    if (buf.readUInt32BE(tcp + 4) === dst) t.miraiSyns++
    const port = buf.readUInt16BE(tcp + 2)
    if (port === 23) t.port23++
    else if (port === 2323) t.port2323++
    else t.otherPorts++
    if (t.ports.size < MAX_PORTS_KEPT) t.ports.add(port)
    if (t.dests.size < MAX_DESTS_KEPT) t.dests.add(dst)
    else t.destsOverflow = true
  }

  sources(): SourceTally[] {
    return [...this.#sources.values()]
  }
}

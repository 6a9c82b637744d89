import { createWriteStream } from 'node:fs'
import { createGzip } from 'node:zlib'
import { formatIPv4 } from '../../core/ipv4.js'
import { SeededRandom } from '../seeded-random.js'

/** What the lab's capture file holds: how many packets, from how many sources of each kind. */
export interface CaptureSpec {
  seed: number
  packets: number
  /** The unused block the SYNs go to (the darknet). */
  darknet: { base: number; bits: number }
  /** Sources that scan with Mirai's SYN fingerprint, and other scanners. */
  mirai: number
  scanners: number
  /** Sources answering spoofed traffic (SYN-ACKs: not scans). */
  backscatter: number
  format: 'pcap' | 'pcapng'
  /** Time of the first packet, ms since the epoch. */
  startMs: number
  /** Packets per second over the whole capture. */
  rate: number
}

type SourceKind = 'mirai' | 'scanner' | 'backscatter' | 'noise'

/** The ground truth of a capture: every source, what it is and how many packets it sent. */
export interface CaptureTruth {
  spec: CaptureSpec
  sources: { ip: string; kind: SourceKind; packets: number }[]
}

const FRAME = 54 // Ethernet + IPv4 + TCP without options
const SCANNER_PORTS = [22, 23, 80, 443, 445, 2323, 3389, 5555, 7547, 8080, 37215, 52869]

interface Source {
  ip: number
  kind: SourceKind
  packets: number
}

/**
 * A deterministic capture of darknet traffic with known sources, written as a file (never sent):
 * Mirai bots (seq = daddr, 9 in 10 to port 23, the rest 2323), other scanners (random sequence, mixed
 * ports), backscatter (SYN-ACK) and UDP noise. Same spec, same bytes, same truth.
 */
function* syntheticPackets(spec: CaptureSpec): Generator<{ timeMs: number; frame: Buffer }, CaptureTruth> {
  const rnd = new SeededRandom(spec.seed)
  const used = new Set<number>()
  const newSource = (kind: SourceKind): Source => {
    let ip: number
    do ip = ((1 + rnd.int(222)) * 16777216 + rnd.int(16777216)) >>> 0
    while (used.has(ip) || ip >>> 24 === 127 || ip >>> 24 === 10)
    used.add(ip)
    return { ip, kind, packets: 0 }
  }
  const sources: Source[] = [
    ...Array.from({ length: spec.mirai }, () => newSource('mirai')),
    ...Array.from({ length: spec.scanners }, () => newSource('scanner')),
    ...Array.from({ length: spec.backscatter }, () => newSource('backscatter')),
    newSource('noise'),
  ]
  // packets per kind: bots and scanners dominate a telescope's TCP, backscatter and UDP are a trickle
  const share: Record<SourceKind, number> = { mirai: 0.55, scanner: 0.37, backscatter: 0.05, noise: 0.03 }
  const pools = new Map<SourceKind, Source[]>()
  for (const s of sources) pools.set(s.kind, [...(pools.get(s.kind) ?? []), s])
  const size = 2 ** (32 - spec.darknet.bits)
  const frame = Buffer.alloc(FRAME)
  let t = spec.startMs
  for (let i = 0; i < spec.packets; i++) {
    const r = rnd.next()
    const kind: SourceKind =
      r < share.mirai && spec.mirai
        ? 'mirai'
        : r < share.mirai + share.scanner && spec.scanners
          ? 'scanner'
          : r < 0.97 && spec.backscatter
            ? 'backscatter'
            : 'noise'
    const pool = pools.get(kind) as Source[]
    const src = pool[rnd.int(pool.length)] as Source
    src.packets++
    const dst = (spec.darknet.base + rnd.int(size)) >>> 0
    writeFrame(frame, rnd, src, dst)
    t += (1000 / spec.rate) * (0.5 + rnd.next())
    yield { timeMs: t, frame }
  }
  return {
    spec,
    sources: sources
      .filter((s) => s.packets > 0)
      .map((s) => ({ ip: formatIPv4(s.ip), kind: s.kind, packets: s.packets })),
  }
}

function writeFrame(b: Buffer, rnd: SeededRandom, src: Source, dst: number): void {
  b.fill(0)
  b.set([0x00, 0x16, 0x3e, 0x11, 0x22, 0x33, 0x00, 0x1b, 0x21, 0x44, 0x55, 0x66], 0)
  b.writeUInt16BE(0x0800, 12)
  const ip = 14
  b[ip] = 0x45
  b.writeUInt16BE(40, ip + 2)
  b.writeUInt16BE(src.kind === 'scanner' ? 54321 : rnd.int(65536), ip + 4) // ZMap's fixed IP id
  b[ip + 8] = src.kind === 'mirai' ? 64 : 40 + rnd.int(200)
  b[ip + 9] = src.kind === 'noise' ? 17 : 6
  b.writeUInt32BE(src.ip, ip + 12)
  b.writeUInt32BE(dst, ip + 16)
  const tcp = ip + 20
  b.writeUInt16BE(1024 + rnd.int(64511), tcp)
  let port: number
  let seq: number
  let flags = 0x02
  if (src.kind === 'mirai') {
    // scanner.c: i % 10 == 0 → 2323, else 23; tcph->seq = iph->daddr
    port = rnd.int(10) === 0 ? 2323 : 23
    seq = dst
  } else {
    port = SCANNER_PORTS[rnd.int(SCANNER_PORTS.length)] as number
    seq = rnd.int(4294967296) >>> 0
    if (seq === dst) seq = (seq + 1) >>> 0
    if (src.kind === 'backscatter') flags = 0x12
  }
  b.writeUInt16BE(port, tcp + 2)
  b.writeUInt32BE(seq, tcp + 4)
  if (flags === 0x12) b.writeUInt32BE(rnd.int(4294967296) >>> 0, tcp + 8)
  b[tcp + 12] = 0x50
  b[tcp + 13] = flags
  b.writeUInt16BE(rnd.int(65536), tcp + 14)
  ipChecksum(b, ip)
}

function ipChecksum(b: Buffer, at: number): void {
  let sum = 0
  for (let i = 0; i < 20; i += 2) if (i !== 10) sum += b.readUInt16BE(at + i)
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16)
  b.writeUInt16BE(~sum & 0xffff, at + 10)
}

/** Classic pcap file header (microseconds, little-endian, Ethernet). */
function pcapHeader(): Buffer {
  const h = Buffer.alloc(24)
  h.writeUInt32LE(0xa1b2c3d4, 0)
  h.writeUInt16LE(2, 4)
  h.writeUInt16LE(4, 6)
  h.writeUInt32LE(65535, 16)
  h.writeUInt32LE(1, 20)
  return h
}

/** pcapng section header and one Ethernet interface (microsecond timestamps). */
function pcapngHeader(): Buffer {
  const shb = Buffer.alloc(28)
  shb.writeUInt32LE(0x0a0d0d0a, 0)
  shb.writeUInt32LE(28, 4)
  shb.writeUInt32LE(0x1a2b3c4d, 8)
  shb.writeUInt16LE(1, 12)
  shb.writeInt32LE(-1, 16)
  shb.writeInt32LE(-1, 20)
  shb.writeUInt32LE(28, 24)
  const idb = Buffer.alloc(20)
  idb.writeUInt32LE(1, 0)
  idb.writeUInt32LE(20, 4)
  idb.writeUInt16LE(1, 8)
  idb.writeUInt32LE(65535, 12)
  idb.writeUInt32LE(20, 16)
  return Buffer.concat([shb, idb])
}

function record(format: 'pcap' | 'pcapng', timeMs: number, frame: Buffer): Buffer {
  const us = Math.round(timeMs * 1000)
  if (format === 'pcap') {
    const r = Buffer.alloc(16 + frame.length)
    r.writeUInt32LE(Math.floor(us / 1e6), 0)
    r.writeUInt32LE(us % 1e6, 4)
    r.writeUInt32LE(frame.length, 8)
    r.writeUInt32LE(frame.length, 12)
    frame.copy(r, 16)
    return r
  }
  const padded = (frame.length + 3) & ~3
  const total = 32 + padded
  const r = Buffer.alloc(total)
  r.writeUInt32LE(6, 0)
  r.writeUInt32LE(total, 4)
  r.writeUInt32LE(Math.floor(us / 4294967296), 12)
  r.writeUInt32LE(us % 4294967296, 16)
  r.writeUInt32LE(frame.length, 20)
  r.writeUInt32LE(frame.length, 24)
  frame.copy(r, 28)
  r.writeUInt32LE(total, total - 4)
  return r
}

/** Writes the capture to `file` (gzipped when the name ends in .gz) and returns its truth. */
export async function writeSyntheticCapture(file: string, spec: CaptureSpec): Promise<CaptureTruth> {
  const out = createWriteStream(file)
  const gz = file.endsWith('.gz') ? createGzip({ level: 1 }) : undefined
  if (gz) gz.pipe(out)
  const sink = gz ?? out
  const failed = new Promise<never>((_, reject) => {
    out.once('error', reject)
    gz?.once('error', reject)
  })
  failed.catch(() => {}) // raced at every await below; never left unhandled
  const write = (b: Buffer) =>
    sink.write(b) ? Promise.resolve() : new Promise<void>((r) => sink.once('drain', r))
  await write(spec.format === 'pcap' ? pcapHeader() : pcapngHeader())
  const gen = syntheticPackets(spec)
  let parts: Buffer[] = []
  let bytes = 0
  let step = gen.next()
  while (!step.done) {
    const r = record(spec.format, step.value.timeMs, step.value.frame)
    parts.push(r)
    bytes += r.length
    if (bytes >= 1 << 20) {
      await Promise.race([write(Buffer.concat(parts)), failed])
      parts = []
      bytes = 0
    }
    step = gen.next()
  }
  if (parts.length) await Promise.race([write(Buffer.concat(parts)), failed])
  const finished = new Promise<void>((resolve) => out.once('finish', () => resolve()))
  sink.end()
  await Promise.race([finished, failed])
  return step.value
}

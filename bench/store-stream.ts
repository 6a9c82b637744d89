// The store benchmarks' record stream: a simulated network of IoT services built from real Recog
// banners, scanned S times. Shared by store-bench.ts and store-ab.ts so both measure the same data.
import type { ScanRecord } from '../src/core/record.js'
import { type CorpusBanner, loadBannerCorpus, recordFromBanner } from '../src/store/testing/banner-corpus.js'

/** mulberry32: kept here (not the lab's SeededRandom) so recorded figures stay reproducible. */
export function rng(seed: number): () => number {
  let a = seed
  return () => {
    a = (a + 0x6d2b79f5) | 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const PORTS: Record<CorpusBanner['protocol'], number[]> = {
  telnet: [23, 2323],
  ssh: [22, 2222],
  http: [80, 8080, 81, 88, 443, 5000, 7547, 8000, 8081, 8443, 9000, 49152],
  ftp: [21],
  rtsp: [554, 8554],
}

/** One service of the simulated network: where it is and which banner it shows now. */
interface Svc {
  ip: string
  port: number
  proto: CorpusBanner['protocol']
  banner: CorpusBanner
}

export interface StreamOptions {
  /** Services per scan. */
  services: number
  scans: number
  batch: number
  /** Visit each scan's services in a fresh random order (as the scan engine does) instead of by address. */
  shuffle?: boolean
}

/** The real banners the stream is made of, by protocol. */
export class StoreStream {
  readonly corpus = loadBannerCorpus()
  readonly #byProto = new Map<string, CorpusBanner[]>()

  constructor(readonly options: StreamOptions) {
    for (const b of this.corpus) this.#byProto.set(b.protocol, [...(this.#byProto.get(b.protocol) ?? []), b])
  }

  #banners(proto: string): CorpusBanner[] {
    return this.#byProto.get(proto) as CorpusBanner[]
  }

  #network(): Svc[] {
    const rand = rng(7)
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T
    const out: Svc[] = []
    let host = 0
    while (out.length < this.options.services) {
      host++
      const ip = `10.${(host >> 16) & 255}.${(host >> 8) & 255}.${host & 255}`
      // device families: every device has a web UI; cameras add RTSP, routers telnet/ssh, NAS ftp
      const protos: CorpusBanner['protocol'][] = ['http']
      if (rand() < 0.5) protos.push('telnet')
      if (rand() < 0.35) protos.push('ssh')
      if (rand() < 0.25) protos.push('ftp')
      if (rand() < 0.2) protos.push('rtsp')
      if (rand() < 0.3) protos.push('http')
      const used = new Set<number>()
      for (const proto of protos) {
        const port = pick(PORTS[proto])
        if (used.has(port)) continue
        used.add(port)
        out.push({ ip, port, proto, banner: pick(this.#banners(proto)) })
        if (out.length >= this.options.services) break
      }
    }
    return out
  }

  /** Yields every scan's records in batches, with the scan's index; 3 % of services change banner per scan. */
  *batches(): Generator<[scan: number, records: ScanRecord[]]> {
    const { scans, batch: size, shuffle } = this.options
    const network = this.#network()
    const rand = rng(11)
    const shuffler = rng(13)
    for (let k = 0; k < scans; k++) {
      const order = [...network.keys()]
      if (shuffle)
        for (let i = order.length - 1; i > 0; i--) {
          const j = Math.floor(shuffler() * (i + 1))
          ;[order[i], order[j]] = [order[j] as number, order[i] as number]
        }
      let batch: ScanRecord[] = []
      for (let i = 0; i < network.length; i++) {
        const s = network[order[i] as number] as Svc
        if (k > 0 && rand() < 0.03) {
          const list = this.#banners(s.proto)
          s.banner = list[Math.floor(rand() * list.length)] as CorpusBanner
        }
        const scanId = `bench-scan-${String(k).padStart(2, '0')}`
        const r = recordFromBanner(
          s.banner,
          s.ip,
          scanId,
          new Date(Date.UTC(2026, 9, 1 + k) + i).toISOString(),
        )
        r.port = s.port
        batch.push(r)
        if (batch.length === size) {
          yield [k, batch]
          batch = []
        }
      }
      if (batch.length) yield [k, batch]
    }
  }
}

import { createReadStream, statSync } from 'node:fs'
import { Readable } from 'node:stream'
import { createGunzip } from 'node:zlib'
import { MamoriError } from '../core/errors.js'
import { formatIPv4 } from '../core/ipv4.js'
import type { SourceVerdict } from '../store/sensors/sensor-store.js'
import { type DarknetCounters, darknetVerdict } from './darknet-verdict.js'
import { readCapture } from './pcap-reader.js'
import { distinctDestinations, SynTally, type TallyStats } from './syn-tally.js'

/** One source of unsolicited SYNs with its verdict. */
export interface DarknetSource extends SourceVerdict {
  ip: string
  first_seen: string
  last_seen: string
  /** SYNs it sent into the darknet. */
  packets: number
  counters: DarknetCounters
}

export interface CaptureAnalysis {
  file: string
  format: 'pcap' | 'pcapng'
  bytes: number
  stats: TallyStats
  sources: DarknetSource[]
}

/**
 * Reads one capture (pcap or pcapng, gzipped or not, streamed in 1 MiB chunks) and classifies every
 * source of unsolicited TCP SYNs to `blocks` (all destinations when none). `onProgress` gets the
 * share of the file read.
 */
export async function analyseCapture(
  file: string,
  o: { blocks?: readonly { base: number; mask: number }[]; onProgress?: (fraction: number) => void } = {},
): Promise<CaptureAnalysis> {
  let size: number
  try {
    size = statSync(file).size
  } catch (err) {
    throw new MamoriError('ERR_IMPORT', `cannot read ${file}: ${(err as Error).message}`)
  }
  const raw = createReadStream(file, { highWaterMark: 1 << 20 })
  const onProgress = o.onProgress
  const counted = onProgress
    ? (async function* () {
        let read = 0
        for await (const chunk of raw) {
          read += (chunk as Buffer).length
          onProgress(size ? read / size : 1)
          yield chunk as Buffer
        }
      })()
    : raw
  const tally = new SynTally(o.blocks ? { blocks: o.blocks } : {})
  const result = await readCapture(file, await decompressed(file, counted), tally.packet)
  const sources = tally.sources().map((t): DarknetSource => {
    const counters: DarknetCounters = {
      syns: t.syns,
      mirai_syns: t.miraiSyns,
      port23: t.port23,
      port2323: t.port2323,
      other_ports: t.otherPorts,
      dests: distinctDestinations(t),
      span_ms: t.last - t.first,
    }
    return {
      ip: formatIPv4(t.src),
      ...darknetVerdict(counters),
      first_seen: new Date(t.first).toISOString(),
      last_seen: new Date(t.last).toISOString(),
      packets: t.syns,
      counters,
    }
  })
  sources.sort((a, b) => b.packets - a.packets || (a.ip < b.ip ? -1 : a.ip > b.ip ? 1 : 0))
  return { file, format: result.format, bytes: result.bytes, stats: tally.stats, sources }
}

/** The file's bytes, gunzipped when they start with the gzip magic (whatever the name says). */
async function decompressed(file: string, raw: AsyncIterable<Buffer>): Promise<AsyncIterable<Buffer>> {
  const it = raw[Symbol.asyncIterator]()
  let first: IteratorResult<Buffer>
  try {
    first = await it.next()
  } catch (err) {
    throw new MamoriError('ERR_IMPORT', `cannot read ${file}: ${(err as Error).message}`)
  }
  const rest = (async function* () {
    if (!first.done) yield first.value
    for (;;) {
      const r = await it.next()
      if (r.done) return
      yield r.value as Buffer
    }
  })()
  const head = first.done ? Buffer.alloc(0) : first.value
  if (head[0] !== 0x1f || head[1] !== 0x8b) return rest
  const gunzip = Readable.from(rest).pipe(createGunzip({ chunkSize: 1 << 20 }))
  return (async function* () {
    try {
      for await (const c of gunzip) yield c as Buffer
    } catch (err) {
      throw new MamoriError('ERR_IMPORT', `${file}: not a valid gzip stream: ${(err as Error).message}`)
    }
  })()
}

import type { SourceVerdict } from '../store/sensors/sensor-store.js'

/** The counters a darknet verdict is made from (one capture, or several merged in the store). */
export interface DarknetCounters {
  syns: number
  mirai_syns: number
  port23: number
  port2323: number
  other_ports: number
  dests: number
  /** Time from first to last SYN. */
  span_ms: number
}

/** Share of a source's SYNs that must carry seq == daddr: variants mix other scanners in, noise does not reach it. */
const MIRAI_SHARE = 0.5
/** SYNs below which a source is too quiet to call a scanner at all (backscatter, a retry). */
const SCANNER_MIN_SYNS = 10
const SCANNER_MIN_DESTS = 5

const feature = (id: string, description: string, weight?: number) => ({
  id,
  description,
  ...(weight ? { weight } : {}),
})

/**
 * What a source is, from its SYNs: `mirai` when its SYNs carry Mirai's fingerprint (sequence number =
 * destination address: a random sequence matches with probability 2^-32, so even a few are strong);
 * `scanner` when it scans without it (counted, never called Mirai); `unknown` otherwise.
 * Confidence for mirai is the fingerprinted share, lowered when the port mix is not telnet's.
 */
export function darknetVerdict(c: DarknetCounters): SourceVerdict {
  const share = c.syns ? c.mirai_syns / c.syns : 0
  const telnet = c.syns ? (c.port23 + c.port2323) / c.syns : 0
  const rate = c.span_ms > 0 ? (c.syns * 1000) / c.span_ms : 0
  const features = []
  if (c.mirai_syns > 0)
    features.push(
      feature(
        'seq-equals-daddr',
        `${c.mirai_syns} of ${c.syns} SYNs with sequence number = destination address`,
        round(share),
      ),
    )
  if (telnet >= 0.9)
    features.push(
      feature(
        'telnet-port-mix',
        `${pct(c.port23 / c.syns)} to 23, ${pct(c.port2323 / c.syns)} to 2323 (Mirai: 9 in 10 to 23)`,
      ),
    )
  if (c.dests >= SCANNER_MIN_DESTS)
    features.push(feature('spread', `${c.dests} distinct destinations at ${rate.toFixed(1)} SYN/s`))
  if (c.mirai_syns > 0 && share >= MIRAI_SHARE) {
    const confidence = round(Math.min(0.99, share * (telnet >= 0.9 ? 1 : 0.85)))
    return { family: 'mirai', confidence, features }
  }
  if (c.syns >= SCANNER_MIN_SYNS && c.dests >= SCANNER_MIN_DESTS)
    return { family: 'scanner', confidence: round(Math.min(0.99, c.dests / (c.dests + 10))), features }
  return { family: 'unknown', confidence: 1, features }
}

const round = (x: number) => Math.round(x * 1000) / 1000
const pct = (x: number) => `${Math.round(x * 100)} %`

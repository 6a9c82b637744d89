import { attr, formatCpe, plainValue, type Wfn } from '../../core/cpe.js'
import type { Severity } from '../../core/record.js'
import type { VulnDb } from '../db/vuln-db.js'
import type { CvssScore, VulnRecord, VulnSource } from '../model.js'
import { type Applicability, evaluateRecord, type MatchStatus } from './applicability.js'
import type { Asset } from './asset.js'
import type { MatchMode } from './verdict.js'

/** One CVE that applies to an asset: `vuln match --json` prints one of these per line. */
export interface VulnMatch {
  id: string
  status: MatchStatus
  cvss?: number
  /** Which CVSS version the score is (4.0, 3.1, 3.0, 2.0). */
  cvss_version?: string
  severity?: Severity
  kev: boolean
  reason: string
}

const SOURCE_ORDER: VulnSource[] = ['nvd', 'cve5', 'csaf', 'jvn']

/** CVSS v4.0, else v3.1, else v3.0, else v2, preferring NVD's record, then CVE 5, CSAF, JVN. */
export function bestCvss(records: VulnRecord[]): { score: CvssScore; version: string } | undefined {
  const sorted = [...records].sort((a, b) => SOURCE_ORDER.indexOf(a.source) - SOURCE_ORDER.indexOf(b.source))
  for (const [key, version] of [
    ['v40', '4.0'],
    ['v31', '3.1'],
    ['v30', '3.0'],
    ['v2', '2.0'],
  ] as const) {
    for (const r of sorted) {
      const s = r.cvss[key]
      if (s) return { score: s, version }
    }
  }
  return undefined
}

/** CVSS qualitative rating (v3/v4 scale; v2 scores use the same bands here, 0 = info). */
export function severityOf(score: number | undefined): Severity {
  if (score === undefined) return 'medium'
  if (score >= 9) return 'critical'
  if (score >= 7) return 'high'
  if (score >= 4) return 'medium'
  if (score > 0) return 'low'
  return 'info'
}

export interface MatcherOptions {
  mode?: MatchMode
  /** Distinct assets whose answers are kept (services repeat the same device a lot). */
  cacheSize?: number
  /** Parsed records kept in memory (least recently used are dropped). */
  recordCacheSize?: number
}

/**
 * Matches assets against the vulnerability database: candidate records by (vendor, product),
 * then the applicability engine on each. Answers and parsed records are cached, so matching a
 * million services costs little more than matching their distinct fingerprints.
 */
export class VulnMatcher {
  readonly mode: MatchMode
  readonly #db: VulnDb
  readonly #answers = new Map<string, VulnMatch[]>()
  readonly #records = new Map<string, VulnRecord | undefined>()
  readonly #cacheSize: number
  readonly #recordCacheSize: number
  #kev: Set<string> | undefined

  constructor(db: VulnDb, opts: MatcherOptions = {}) {
    this.#db = db
    this.mode = opts.mode ?? 'strict'
    this.#cacheSize = opts.cacheSize ?? 20_000
    this.#recordCacheSize = opts.recordCacheSize ?? 50_000
  }

  match(asset: Asset): VulnMatch[] {
    if (asset.cpes.length === 0) return []
    const key = asset.cpes.map(formatCpe).sort().join('|')
    const cached = this.#answers.get(key)
    if (cached) return cached
    const answer = this.#compute(asset)
    if (this.#answers.size >= this.#cacheSize) this.#answers.clear()
    this.#answers.set(key, answer)
    return answer
  }

  /** Parsed records, least recently used first (Map order), at most recordCacheSize of them. */
  #record(id: string, source: VulnSource): VulnRecord | undefined {
    const k = `${id}\u0000${source}`
    const hit = this.#records.get(k)
    if (hit !== undefined || this.#records.has(k)) {
      this.#records.delete(k)
      this.#records.set(k, hit)
      return hit
    }
    const r = this.#db.record(id, source)
    if (this.#records.size >= this.#recordCacheSize) {
      this.#records.delete(this.#records.keys().next().value as string)
    }
    this.#records.set(k, r)
    return r
  }

  #compute(asset: Asset): VulnMatch[] {
    const candidates = new Map<string, Set<VulnSource>>()
    for (const w of asset.cpes) {
      for (const c of this.#db.candidates(plain(w, 'vendor'), plain(w, 'product'))) {
        const s = candidates.get(c.id) ?? new Set<VulnSource>()
        s.add(c.source)
        candidates.set(c.id, s)
      }
    }
    this.#kev ??= this.#db.kevIds()
    const out: VulnMatch[] = []
    for (const [id, sources] of candidates) {
      const records: VulnRecord[] = []
      let best: Applicability | undefined
      for (const source of sources) {
        const r = this.#record(id, source)
        if (!r) continue
        records.push(r)
        const a = evaluateRecord(r, asset, this.mode)
        if (a && (!best || (a.status === 'affected' && best.status !== 'affected'))) best = a
      }
      if (!best) continue
      const cvss = bestCvss(records)
      const m: VulnMatch = {
        id,
        status: best.status,
        kev: this.#kev.has(id) || records.some((r) => r.kevDateAdded !== undefined),
        reason: best.reason,
      }
      if (cvss) {
        m.cvss = cvss.score.score
        m.cvss_version = cvss.version
      }
      m.severity = severityOf(m.cvss)
      out.push(m)
    }
    return out.sort((a, b) => (b.cvss ?? -1) - (a.cvss ?? -1) || a.id.localeCompare(b.id))
  }

  /** Forget cached answers (after an import into the same database). */
  reset(): void {
    this.#answers.clear()
    this.#records.clear()
    this.#kev = undefined
  }
}

function plain(w: Wfn, name: 'vendor' | 'product'): string {
  return plainValue(attr(w, name))
}

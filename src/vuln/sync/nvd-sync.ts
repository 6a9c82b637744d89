import { MamoriError } from '../../core/errors.js'
import type { VulnDb } from '../db/vuln-db.js'
import type { VulnRecord } from '../model.js'
import { fromNvd20 } from '../sources/nvd-record.js'
import { arr, obj, RecordRejected } from '../sources/record-fields.js'
import { HttpFetcher, RateLimiter } from './http-fetcher.js'

const NVD_CVE_API = 'https://services.nvd.nist.gov/rest/json/cves/2.0'
/** NVD refuses lastMod ranges longer than 120 days. */
const MAX_WINDOW_DAYS = 120
const DAY = 86_400_000

/** Persisted between runs: what is complete, and where an interrupted page walk stopped. */
export interface NvdSyncState {
  /** Everything modified before this time is in the database. */
  completedUntil?: string
  current?: { start?: string; end: string; nextIndex: number }
}

export interface NvdSyncOptions {
  baseUrl?: string
  apiKey?: string
  /** First sync only: start from this date instead of downloading everything. */
  since?: Date
  now?: () => Date
  resultsPerPage?: number
  fetchImpl?: typeof fetch
  /** Overrides the published limit (tests). */
  rate?: RateLimiter
  backoffMs?: number
  onProgress?: (msg: string) => void
}

export interface NvdSyncSummary {
  requests: number
  imported: number
  updated: number
  unchanged: number
  rejected: number
  completedUntil: string
}

/** NVD wants ISO 8601 with an explicit offset. */
function nvdDate(d: Date): string {
  return d.toISOString().replace('Z', '+00:00')
}

/**
 * Syncs the NVD CVE API 2.0 into the database: the first run walks everything (or from `since`),
 * later runs fetch what changed since the last completed time in lastMod windows of at most 120
 * days. State is saved after every page, so an interrupted run resumes at the page it stopped on.
 */
export async function syncNvd(db: VulnDb, opts: NvdSyncOptions = {}): Promise<NvdSyncSummary> {
  const base = opts.baseUrl ?? NVD_CVE_API
  const now = (opts.now ?? (() => new Date()))()
  const perPage = opts.resultsPerPage ?? 2000
  const fetcher = new HttpFetcher({
    fetchImpl: opts.fetchImpl,
    headers: opts.apiKey ? { apiKey: opts.apiKey } : {},
    rate: opts.rate ?? (opts.apiKey ? new RateLimiter(50, 30_000) : new RateLimiter(5, 30_000)),
    backoffMs: opts.backoffMs ?? 6000,
    onRetry: opts.onProgress,
  })
  const state: NvdSyncState = db.syncState<NvdSyncState>('nvd') ?? {}
  const summary: NvdSyncSummary = {
    requests: 0,
    imported: 0,
    updated: 0,
    unchanged: 0,
    rejected: 0,
    completedUntil: '',
  }

  const windows: Array<{ start?: string; end: string; nextIndex: number }> = []
  if (state.current) windows.push(state.current)
  const from = state.current
    ? new Date(state.current.end)
    : state.completedUntil
      ? new Date(state.completedUntil)
      : opts.since
  if (!from && !state.current) {
    windows.push({ end: now.toISOString(), nextIndex: 0 }) // full download, no date filter
  } else if (from) {
    let at: Date = from
    while (at.getTime() < now.getTime()) {
      const end = new Date(Math.min(at.getTime() + MAX_WINDOW_DAYS * DAY, now.getTime()))
      windows.push({ start: at.toISOString(), end: end.toISOString(), nextIndex: 0 })
      at = end
    }
  }

  for (const w of windows) {
    let total = Number.POSITIVE_INFINITY
    while (w.nextIndex < total) {
      const params = new URLSearchParams({ resultsPerPage: String(perPage), startIndex: String(w.nextIndex) })
      if (w.start) {
        params.set('lastModStartDate', nvdDate(new Date(w.start)))
        params.set('lastModEndDate', nvdDate(new Date(w.end)))
      }
      const res = await fetcher.get(`${base}?${params}`)
      summary.requests++
      let page: Record<string, unknown>
      try {
        page = obj(await res.json())
      } catch (err) {
        throw new MamoriError(
          'ERR_VULN_SYNC',
          `NVD page at startIndex ${w.nextIndex}: malformed JSON (${(err as Error).message})`,
        )
      }
      total = Number(page.totalResults)
      const items = arr(page.vulnerabilities)
      if (!Number.isFinite(total) || (items.length === 0 && w.nextIndex < total)) {
        throw new MamoriError(
          'ERR_VULN_SYNC',
          `NVD page at startIndex ${w.nextIndex}: no totalResults or empty page`,
        )
      }
      const records: VulnRecord[] = []
      for (const v of items) {
        try {
          records.push(fromNvd20(obj(obj(v).cve)))
        } catch (err) {
          if (!(err instanceof RecordRejected)) throw err
          summary.rejected++
          opts.onProgress?.(`NVD record ${err.recordId ?? '?'} rejected: ${err.message}`)
        }
      }
      w.nextIndex += items.length
      db.transaction(() => {
        for (const r of records) summary[db.upsert(r)]++
        db.setSyncState('nvd', { ...state, current: w } satisfies NvdSyncState)
      })
      opts.onProgress?.(
        `NVD ${w.start ? `${w.start.slice(0, 10)}..${w.end.slice(0, 10)}` : 'all'}: ${w.nextIndex}/${total}`,
      )
    }
    state.completedUntil = w.end
    delete state.current
    db.setSyncState('nvd', state)
  }
  summary.completedUntil = state.completedUntil ?? now.toISOString()
  return summary
}

import { MamoriError } from '../../core/errors.js'
import type { VulnDb } from '../db/vuln-db.js'
import { makeXmlParser, refuseDoctype } from '../io/xml-record-reader.js'
import type { VulnRecord } from '../model.js'
import { fromJvnVuldef } from '../sources/jvn-record.js'
import { arr, obj, RecordRejected } from '../sources/record-fields.js'
import { HttpFetcher, RateLimiter } from './http-fetcher.js'

const MYJVN_API = 'https://jvndb.jvn.jp/myjvn'
const OVERVIEW_PAGE = 50 // getVulnOverviewList maxCountItem limit
const DETAIL_BATCH = 10 // getVulnDetailInfo maxCountItem limit

export interface JvnSyncOptions {
  baseUrl?: string
  /** Published since (default: 30 days ago); rangeDatePublished=n with explicit dates. */
  since?: Date
  now?: () => Date
  fetchImpl?: typeof fetch
  rate?: RateLimiter
  backoffMs?: number
  onProgress?: (msg: string) => void
}

export interface JvnSyncSummary {
  requests: number
  ids: number
  imported: number
  updated: number
  unchanged: number
  rejected: number
}

function dateParams(prefix: string, d: Date): Record<string, string> {
  return {
    [`${prefix}Y`]: String(d.getUTCFullYear()),
    [`${prefix}M`]: String(d.getUTCMonth() + 1),
    [`${prefix}D`]: String(d.getUTCDate()),
  }
}

async function xml(fetcher: HttpFetcher, url: string): Promise<Record<string, unknown>> {
  const text = await (await fetcher.get(url)).text()
  refuseDoctype(text)
  let doc: Record<string, unknown>
  try {
    doc = makeXmlParser().parse(text, true) as Record<string, unknown>
  } catch (err) {
    throw new MamoriError(
      'ERR_VULN_SYNC',
      `MyJVN answer is not XML: ${(err as Error).message.split('\n')[0]}`,
    )
  }
  return doc
}

/** The `status:Status` trailer of a MyJVN answer (retCd, errMsg, totalRes, firstRes …). */
function status(root: Record<string, unknown>): Record<string, string> {
  const s = obj(root.Status)
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(s)) if (k.startsWith('@_')) out[k.slice(2)] = String(v)
  return out
}

/**
 * Syncs JVN iPedia through MyJVN: getVulnOverviewList pages (50 items, driven by the
 * status trailer's totalRes) for the ids published in the period, then getVulnDetailInfo in
 * batches of 10 for the VULDEF records, which carry affected products and version text.
 */
export async function syncJvn(db: VulnDb, opts: JvnSyncOptions = {}): Promise<JvnSyncSummary> {
  const base = opts.baseUrl ?? MYJVN_API
  const now = (opts.now ?? (() => new Date()))()
  const since = opts.since ?? new Date(now.getTime() - 30 * 86_400_000)
  // MyJVN publishes no limit but asks for no bursts: one request per second
  const fetcher = new HttpFetcher({
    fetchImpl: opts.fetchImpl,
    rate: opts.rate ?? new RateLimiter(1, 1000),
    backoffMs: opts.backoffMs ?? 5000,
    onRetry: opts.onProgress,
  })
  const summary: JvnSyncSummary = { requests: 0, ids: 0, imported: 0, updated: 0, unchanged: 0, rejected: 0 }
  const ids: string[] = []
  let start = 1
  for (;;) {
    const params = new URLSearchParams({
      method: 'getVulnOverviewList',
      feed: 'hnd',
      startItem: String(start),
      maxCountItem: String(OVERVIEW_PAGE),
      rangeDatePublished: 'n',
      rangeDatePublic: 'n',
      rangeDateFirstPublished: 'n',
      ...dateParams('datePublishedStart', since),
      ...dateParams('datePublishedEnd', now),
    })
    const doc = obj((await xml(fetcher, `${base}?${params}`)).RDF)
    summary.requests++
    const st = status(doc)
    if (st.retCd !== '0')
      throw new MamoriError('ERR_VULN_SYNC', `MyJVN getVulnOverviewList: ${st.errCd} ${st.errMsg}`)
    const items = arr(doc.item).map(obj)
    for (const it of items) {
      const id = String(obj(it).identifier ?? '').trim()
      if (/^JVNDB-\d{4}-\d+$/.test(id)) ids.push(id)
    }
    const total = Number(st.totalRes)
    opts.onProgress?.(`JVN overview: ${Math.min(start - 1 + items.length, total)}/${total}`)
    if (items.length === 0 || !Number.isFinite(total) || start - 1 + items.length >= total) break
    start += items.length
  }
  summary.ids = ids.length
  for (let i = 0; i < ids.length; i += DETAIL_BATCH) {
    const batch = ids.slice(i, i + DETAIL_BATCH)
    const params = new URLSearchParams({ method: 'getVulnDetailInfo', feed: 'hnd', vulnId: batch.join('+') })
    const doc = obj(
      (await xml(fetcher, `${base}?${params.toString().replace(/%2B/g, '+')}`))['VULDEF-Document'],
    )
    summary.requests++
    const st = status(doc)
    if (st.retCd !== undefined && st.retCd !== '0') {
      throw new MamoriError('ERR_VULN_SYNC', `MyJVN getVulnDetailInfo: ${st.errCd} ${st.errMsg}`)
    }
    const records: VulnRecord[] = []
    for (const v of arr(doc.Vulinfo).map(obj)) {
      try {
        records.push(...fromJvnVuldef(v))
      } catch (err) {
        if (!(err instanceof RecordRejected)) throw err
        summary.rejected++
        opts.onProgress?.(`JVN record ${err.recordId ?? '?'} rejected: ${err.message}`)
      }
    }
    db.transaction(() => {
      for (const r of records) summary[db.upsert(r)]++
    })
  }
  return summary
}

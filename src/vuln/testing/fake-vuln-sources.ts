import { readdirSync, readFileSync } from 'node:fs'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { sharedData } from '../../testing/shared-data.js'

/** A response the server gives instead of the normal one, for the nth request to a path (1-based). */
export interface InjectedFault {
  path: string
  nth: number
  status: number
  headers?: Record<string, string>
  body?: string
}

export interface SeenRequest {
  path: string
  query: URLSearchParams
  headers: IncomingMessage['headers']
}

/**
 * A local stand-in for NVD, CISA and MyJVN serving the real records of ../shared/data/vulns
 * with the real APIs' paging (NVD startIndex/resultsPerPage/totalResults and lastMod windows of
 * at most 120 days; MyJVN startItem/maxCountItem with the status trailer) and their error
 * answers (403 and 503, 429 with Retry-After, 404 with a `message` header for bad parameters).
 */
export class FakeVulnSources {
  readonly seen: SeenRequest[] = []
  readonly faults: InjectedFault[] = []
  /** Largest page the fake NVD serves whatever is asked (NVD's is 2000). */
  nvdMaxPage = 2
  /** MyJVN answers at most this many overview items per request. */
  jvnMaxItems = 2
  readonly #server: Server
  readonly #counts = new Map<string, number>()
  readonly #nvd: Array<{ cve: Record<string, unknown> }>
  readonly #kev: string
  readonly #vulinfo: Map<string, string>
  readonly #rssHead: string
  readonly #vuldefHead: string

  constructor(readonly host: string) {
    const dir = sharedData('vulns', 'nvd-api2')
    this.#nvd = readdirSync(dir)
      .sort()
      .map((f) => ({ cve: JSON.parse(readFileSync(`${dir}/${f}`, 'utf8')) }))
    this.#kev = readFileSync(sharedData('vulns', 'kev.json'), 'utf8')
    const hnd = (f: string) => readFileSync(sharedData('vulns', 'jvn', 'hnd', f), 'utf8')
    const detail = hnd('dataFeed_jvndb_detail_hnd.xml')
    this.#vulinfo = new Map()
    for (const m of detail.matchAll(/<Vulinfo>[\s\S]*?<\/Vulinfo>/g)) {
      const id = /<VulinfoID>([^<]+)<\/VulinfoID>/.exec(m[0])?.[1] as string
      this.#vulinfo.set(id, m[0])
    }
    const overview = hnd('getVulnOverviewList_hnd.xml')
    this.#rssHead = overview.slice(0, overview.indexOf('<item '))
    this.#vuldefHead = detail.slice(0, detail.indexOf('<Vulinfo>'))
    this.#server = createServer((req, res) => this.#handle(req, res))
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.#server.listen(0, this.host, resolve))
    return `http://${this.host}:${(this.#server.address() as AddressInfo).port}`
  }

  async stop(): Promise<void> {
    this.#server.closeAllConnections()
    await new Promise<void>((resolve) => this.#server.close(() => resolve()))
  }

  /** Forgets requests, faults and per-path request counts (fault `nth` counts from here). */
  reset(): void {
    this.seen.length = 0
    this.faults.length = 0
    this.#counts.clear()
  }

  /** Ids of the Vulinfo records the fake MyJVN knows. */
  jvnIds(): string[] {
    return [...this.#vulinfo.keys()]
  }

  #handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://x')
    this.seen.push({ path: url.pathname, query: url.searchParams, headers: req.headers })
    const n = (this.#counts.get(url.pathname) ?? 0) + 1
    this.#counts.set(url.pathname, n)
    const fault = this.faults.find((f) => f.path === url.pathname && f.nth === n)
    if (fault) {
      res.writeHead(fault.status, fault.headers ?? {})
      res.end(fault.body ?? '')
      return
    }
    if (url.pathname === '/rest/json/cves/2.0') {
      this.#nvdPage(url.searchParams, res)
      return
    }
    if (url.pathname === '/kev.json') {
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(this.#kev)
      return
    }
    if (url.pathname === '/myjvn') {
      this.#myjvn(url.searchParams, res)
      return
    }
    res.writeHead(404)
    res.end()
  }

  #nvdPage(q: URLSearchParams, res: ServerResponse): void {
    const start = q.get('lastModStartDate')
    const end = q.get('lastModEndDate')
    if ((start === null) !== (end === null)) {
      nvdError(res, 'Both lastModStartDate and lastModEndDate are required')
      return
    }
    let items = this.#nvd
    if (start !== null && end !== null) {
      const s = Date.parse(start)
      const e = Date.parse(end)
      if (Number.isNaN(s) || Number.isNaN(e)) {
        nvdError(res, 'Invalid date')
        return
      }
      if (e - s > 120 * 86_400_000) {
        nvdError(res, 'The date range must not exceed 120 days')
        return
      }
      items = items.filter((v) => {
        const t = Date.parse(`${v.cve.lastModified as string}Z`)
        return t >= s && t <= e
      })
    }
    const startIndex = Number(q.get('startIndex') ?? 0)
    const perPage = Math.min(Number(q.get('resultsPerPage') ?? 2000), this.nvdMaxPage)
    const page = items.slice(startIndex, startIndex + perPage)
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end(
      JSON.stringify({
        resultsPerPage: page.length,
        startIndex,
        totalResults: items.length,
        format: 'NVD_CVE',
        version: '2.0',
        timestamp: '2026-11-25T00:00:00.000',
        vulnerabilities: page,
      }),
    )
  }

  #myjvn(q: URLSearchParams, res: ServerResponse): void {
    const method = q.get('method')
    const status = (attrs: Record<string, string>) =>
      `  <status:Status version="3.3" method="${method}" lang="ja" retCd="0" retMax="50" errCd="" errMsg="" ${Object.entries(
        attrs,
      )
        .map(([k, v]) => `${k}="${v}"`)
        .join(' ')} feed="hnd" />\n`
    res.writeHead(200, { 'content-type': 'text/xml; charset=utf-8' })
    if (method === 'getVulnOverviewList') {
      const ids = this.jvnIds()
      const first = Number(q.get('startItem') ?? 1)
      const max = Math.min(Number(q.get('maxCountItem') ?? 50), this.jvnMaxItems)
      const pageIds = ids.slice(first - 1, first - 1 + max)
      // overview items carry what the RSS format carries, taken from each real Vulinfo record
      const items = pageIds.map((id) => {
        const v = this.#vulinfo.get(id) as string
        const title = /<Title>([^<]*)<\/Title>/.exec(v)?.[1] ?? ''
        const modified = /<DateLastUpdated>([^<]*)<\/DateLastUpdated>/.exec(v)?.[1] ?? ''
        return `  <item rdf:about="https://jvndb.jvn.jp/ja/contents/${id}.html">\n    <title>${title}</title>\n    <sec:identifier>${id}</sec:identifier>\n    <dcterms:modified>${modified}</dcterms:modified>\n  </item>\n`
      })
      res.end(
        `${this.#rssHead}${items.join('')}${status({ totalRes: String(ids.length), totalResRet: String(pageIds.length), firstRes: String(first) })}</rdf:RDF>\n`,
      )
      return
    }
    if (method === 'getVulnDetailInfo') {
      const ids = (q.get('vulnId') ?? '').split(/[+ ]/).filter(Boolean)
      const found = ids.map((id) => this.#vulinfo.get(id)).filter((v): v is string => v !== undefined)
      res.end(
        `${this.#vuldefHead}${found.join('\n')}\n${status({ totalRes: String(found.length), totalResRet: String(found.length), firstRes: '1' })}</VULDEF-Document>\n`,
      )
      return
    }
    res.end(
      `${this.#rssHead}  <status:Status version="3.3" method="${method}" retCd="1" errCd="MJ-0001" errMsg="unknown method" />\n</rdf:RDF>\n`,
    )
  }
}

function nvdError(res: ServerResponse, message: string): void {
  res.writeHead(404, { message })
  res.end()
}

import { MamoriError } from '../core/errors.js'
import type { Finding, ScanRecord, VulnRef } from '../core/record.js'
import type { QueryAst } from '../query/ast.js'
import type { Dialect } from './dialect.js'
import type { FindingStore } from './findings/finding-store.js'
import { SqlFindingStore } from './findings/sql-finding-store.js'
import { Outbox } from './outbox/outbox.js'
import { diff, host } from './sql-history.js'
import { count, facets, scans, search } from './sql-reads.js'
import {
  ingestChunk,
  migrate,
  replaceFindings,
  replaceVulns,
  requireService,
  setHostInfo,
  upsertScan,
} from './sql-writes.js'
import type {
  DiffEntry,
  FacetRequest,
  FacetResult,
  HostReport,
  IngestResult,
  ScanInfo,
  ScanSummary,
  SearchOptions,
  ServiceKey,
  ServiceRow,
  Store,
} from './store.js'

/** Rows per statement: large enough to amortise, small enough for PostgreSQL's bind message. */
const CHUNK = 5000

/**
 * The Store over any Dialect: SQL is written once (sql-writes.ts, sql-reads.ts, sql-history.ts),
 * dialect hooks fill the differences. Writes run one after another, each in its own transaction.
 */
export class SqlStore implements Store {
  readonly dialect: 'sqlite' | 'postgres'
  readonly #d: Dialect
  #writes: Promise<unknown> = Promise.resolve()
  readonly findings: FindingStore
  readonly outbox: Outbox

  private constructor(d: Dialect) {
    this.#d = d
    this.dialect = d.name
    this.findings = new SqlFindingStore(d, (fn) => this.#serial(fn))
    this.outbox = new Outbox(d, (fn) => this.#serial(fn))
  }

  /** Opens the store and brings its schema up to date. */
  static async open(d: Dialect): Promise<SqlStore> {
    try {
      await migrate(d)
    } catch (err) {
      await d.driver.close().catch(() => undefined)
      if (err instanceof MamoriError) throw err
      throw new MamoriError('ERR_STORE', `cannot open the ${d.name} store: ${(err as Error).message}`, {
        cause: err,
      })
    }
    return new SqlStore(d)
  }

  /** Writes run one after another: one connection, one transaction at a time. */
  #serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.#writes.then(fn, fn)
    this.#writes = next.catch(() => undefined)
    return next
  }

  ingest(records: readonly ScanRecord[]): Promise<IngestResult> {
    if (records.length === 0) return Promise.resolve({ stored: 0, duplicates: 0 })
    return this.#serial(() =>
      this.#d.driver.transaction(async (tx) => {
        let stored = 0
        for (let i = 0; i < records.length; i += CHUNK) {
          stored += await ingestChunk(this.#d, tx, records.slice(i, i + CHUNK))
        }
        return { stored, duplicates: records.length - stored }
      }),
    )
  }

  recordScan(scan: ScanInfo): Promise<void> {
    return this.#serial(async () => {
      await upsertScan(this.#d, this.#d.driver, scan)
    })
  }

  setVulns(service: ServiceKey, vulns: readonly VulnRef[], findings?: readonly Finding[]): Promise<void> {
    return this.#serial(() =>
      this.#d.driver.transaction(async (tx) => {
        const id = await requireService(tx, service)
        await replaceVulns(tx, id, vulns)
        if (findings) await replaceFindings(tx, id, findings)
      }),
    )
  }

  setFindings(service: ServiceKey, findings: readonly Finding[]): Promise<void> {
    return this.#serial(() =>
      this.#d.driver.transaction(async (tx) =>
        replaceFindings(tx, await requireService(tx, service), findings),
      ),
    )
  }

  setHostInfo(ip: string, info: { country?: string; asn?: number; org?: string }): Promise<void> {
    return this.#serial(() => this.#d.driver.transaction((tx) => setHostInfo(tx, ip, info)))
  }

  analyze(): Promise<void> {
    return this.#serial(() => this.#d.driver.exec(this.#d.analyzeSql))
  }

  scans(): Promise<ScanSummary[]> {
    return scans(this.#d)
  }

  search(query: QueryAst, options: SearchOptions): Promise<ServiceRow[]> {
    return search(this.#d, query, options)
  }

  count(query: QueryAst): Promise<number> {
    return count(this.#d, query)
  }

  facets(query: QueryAst, requests: readonly FacetRequest[]): Promise<FacetResult> {
    return facets(this.#d, query, requests)
  }

  async *services(query: QueryAst, pageSize = 1000): AsyncIterable<ServiceRow> {
    let after = 0
    for (;;) {
      const page = await this.search(query, { limit: pageSize, after })
      yield* page
      if (page.length < pageSize) return
      after = (page[page.length - 1] as ServiceRow).service_id
    }
  }

  host(ip: string): Promise<HostReport | undefined> {
    return host(this.#d, ip)
  }

  diff(a: string, b: string): Promise<DiffEntry[]> {
    return diff(this.#d, a, b)
  }

  close(): Promise<void> {
    return this.#serial(() => this.#d.driver.close())
  }
}

import { mkdirSync } from 'node:fs'
import { homedir } from 'node:os'
import { dirname, join } from 'node:path'
import Database from 'better-sqlite3'
import { attr, plainValue, tryParseCpe, vendorProductOf } from '../../core/cpe.js'
import { MamoriError } from '../../core/errors.js'
import type { KevEntry, VulnRecord, VulnSource } from '../model.js'
import { canonicalProduct, canonicalVendor } from '../names/aliases.js'

/** What an upsert did: a new record, a newer one replacing an older, or nothing (same or older). */
export type UpsertOutcome = 'imported' | 'updated' | 'unchanged'

/** Where the vulnerability database lives unless `--db` or MAMORI_VULN_DB says otherwise. */
export function defaultVulnDbPath(): string {
  return process.env.MAMORI_VULN_DB ?? join(homedir(), '.mamori', 'vuln.db')
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS vuln_record (
  id TEXT NOT NULL, source TEXT NOT NULL, modified TEXT NOT NULL, doc TEXT NOT NULL,
  PRIMARY KEY (id, source)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS vuln_product (
  vendor TEXT NOT NULL, product TEXT NOT NULL, id TEXT NOT NULL, source TEXT NOT NULL,
  PRIMARY KEY (vendor, product, id, source)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS vuln_product_by_id ON vuln_product (id, source);
CREATE TABLE IF NOT EXISTS vuln_alias (
  alias TEXT NOT NULL, id TEXT NOT NULL, PRIMARY KEY (alias, id)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS kev (cve_id TEXT PRIMARY KEY, doc TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS sync_state (source TEXT PRIMARY KEY, state TEXT NOT NULL);
`

/**
 * The vulnerability database: normalised records per (id, source), a (vendor, product) index of
 * what each record can apply to, id aliases (JVNDB ↔ CVE), the KEV catalogue and sync state.
 * One SQLite file (better-sqlite3), separate from the scan store so it can be shared and rebuilt.
 */
export class VulnDb {
  readonly #db: Database.Database
  readonly #stmts: ReturnType<VulnDb['prepare']>

  constructor(readonly file: string) {
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true })
    try {
      this.#db = new Database(file)
      this.#db.pragma('journal_mode = WAL')
      this.#db.pragma('synchronous = NORMAL')
      this.#db.pragma('cache_size = -65536')
      this.#db.exec(SCHEMA)
    } catch (err) {
      throw new MamoriError(
        'ERR_IO',
        `cannot open vulnerability database ${file}: ${(err as Error).message}`,
        {
          cause: err,
        },
      )
    }
    this.#stmts = this.prepare()
  }

  private prepare() {
    const db = this.#db
    return {
      insertRecord: db.prepare(
        'INSERT OR IGNORE INTO vuln_record (id, source, modified, doc) VALUES (?, ?, ?, ?)',
      ),
      updateRecord: db.prepare(
        'UPDATE vuln_record SET modified = ?, doc = ? WHERE id = ? AND source = ? AND modified < ?',
      ),
      delProducts: db.prepare('DELETE FROM vuln_product WHERE id = ? AND source = ?'),
      putProduct: db.prepare(
        'INSERT OR IGNORE INTO vuln_product (vendor, product, id, source) VALUES (?, ?, ?, ?)',
      ),
      putAlias: db.prepare('INSERT OR IGNORE INTO vuln_alias (alias, id) VALUES (?, ?)'),
      candidates: db.prepare<[string, string], { id: string; source: VulnSource }>(
        "SELECT id, source FROM vuln_product WHERE vendor = ? AND product IN (?, '*')",
      ),
      recordsById: db.prepare<[string], { doc: string }>('SELECT doc FROM vuln_record WHERE id = ?'),
      record: db.prepare<[string, string], { doc: string }>(
        'SELECT doc FROM vuln_record WHERE id = ? AND source = ?',
      ),
      idsByAlias: db.prepare<[string], { id: string }>('SELECT id FROM vuln_alias WHERE alias = ?'),
      aliasesOf: db.prepare<[string], { alias: string }>('SELECT alias FROM vuln_alias WHERE id = ?'),
      getKev: db.prepare<[string], { doc: string }>('SELECT doc FROM kev WHERE cve_id = ?'),
      putKev: db.prepare('INSERT OR REPLACE INTO kev (cve_id, doc) VALUES (?, ?)'),
      allKev: db.prepare<[], { cve_id: string }>('SELECT cve_id FROM kev'),
      getState: db.prepare<[string], { state: string }>('SELECT state FROM sync_state WHERE source = ?'),
      putState: db.prepare('INSERT OR REPLACE INTO sync_state (source, state) VALUES (?, ?)'),
      counts: db.prepare<[], { source: string; n: number }>(
        'SELECT source, COUNT(*) AS n FROM vuln_record GROUP BY source',
      ),
    }
  }

  /** Runs fn in one transaction (imports batch records this way; inside fileTransaction, a savepoint). */
  transaction<T>(fn: () => T): T {
    return this.#db.transaction(fn)()
  }

  /**
   * Runs an asynchronous fn (one streamed file) in one transaction: committed when it resolves,
   * rolled back when it throws. Calls must not overlap (one import at a time per database).
   */
  async fileTransaction<T>(fn: () => Promise<T>): Promise<T> {
    this.#db.exec('BEGIN IMMEDIATE')
    try {
      const out = await fn()
      this.#db.exec('COMMIT')
      return out
    } catch (err) {
      this.#db.exec('ROLLBACK')
      throw err
    }
  }

  /**
   * Stores a record unless the same (id, source) is already held with the same or a newer
   * modification time: re-importing is idempotent and an older file never overwrites newer data.
   */
  upsert(rec: VulnRecord): UpsertOutcome {
    const s = this.#stmts
    const doc = JSON.stringify(rec)
    // one statement for the common case (a new record); an existing one is replaced only if older
    const prev = s.insertRecord.run(rec.id, rec.source, rec.modified, doc).changes === 0
    if (prev) {
      if (s.updateRecord.run(rec.modified, doc, rec.id, rec.source, rec.modified).changes === 0)
        return 'unchanged'
      s.delProducts.run(rec.id, rec.source)
    }
    for (const [vendor, product] of productKeys(rec)) s.putProduct.run(vendor, product, rec.id, rec.source)
    for (const a of rec.aliases) {
      s.putAlias.run(a, rec.id)
      if (a.startsWith('CVE-') || rec.id.startsWith('CVE-')) s.putAlias.run(rec.id, a)
    }
    return prev ? 'updated' : 'imported'
  }

  upsertKev(e: KevEntry): UpsertOutcome {
    const prev = this.#stmts.getKev.get(e.cveID)
    const doc = JSON.stringify(e)
    if (prev && prev.doc === doc) return 'unchanged'
    this.#stmts.putKev.run(e.cveID, doc)
    return prev ? 'updated' : 'imported'
  }

  /** Ids and sources of records that name this (NVD-spelled) vendor and product. */
  candidates(vendor: string, product: string): Array<{ id: string; source: VulnSource }> {
    return this.#stmts.candidates.all(vendor, product)
  }

  record(id: string, source: VulnSource): VulnRecord | undefined {
    const row = this.#stmts.record.get(id, source)
    return row ? (JSON.parse(row.doc) as VulnRecord) : undefined
  }

  /** Every source's record for an id (a CVE id or an alias such as JVNDB-…). */
  records(id: string): VulnRecord[] {
    const ids = new Set([id, ...this.#stmts.idsByAlias.all(id).map((r) => r.id)])
    return [...ids].flatMap((i) => this.#stmts.recordsById.all(i).map((r) => JSON.parse(r.doc) as VulnRecord))
  }

  aliases(id: string): string[] {
    return this.#stmts.aliasesOf.all(id).map((r) => r.alias)
  }

  kev(cveId: string): KevEntry | undefined {
    const row = this.#stmts.getKev.get(cveId)
    return row ? (JSON.parse(row.doc) as KevEntry) : undefined
  }

  kevIds(): Set<string> {
    return new Set(this.#stmts.allKev.all().map((r) => r.cve_id))
  }

  syncState<T>(source: string): T | undefined {
    const row = this.#stmts.getState.get(source)
    return row ? (JSON.parse(row.state) as T) : undefined
  }

  setSyncState(source: string, state: unknown): void {
    this.#stmts.putState.run(source, JSON.stringify(state))
  }

  counts(): Record<string, number> {
    const out: Record<string, number> = {}
    for (const r of this.#stmts.counts.all()) out[r.source] = r.n
    out.kev = this.kevIds().size
    return out
  }

  close(): void {
    this.#db.close()
  }
}

/** (vendor, product) pairs a record can apply to: vulnerable criteria and affected products. */
function productKeys(rec: VulnRecord): Array<[string, string]> {
  const keys = new Map<string, [string, string]>()
  const addCpe = (c: string) => {
    let vp = vendorProductOf(c)
    if (!vp) {
      // 2.2 URIs (JVN, CVE 5) take the full parse
      const w = tryParseCpe(c)
      if (!w) return
      vp = [plainValue(attr(w, 'vendor')), plainValue(attr(w, 'product'))]
    }
    const [vendor, rawProduct] = vp
    if (!vendor || vendor === '*' || vendor === '-' || /[*?]/.test(vendor)) return
    const product = !rawProduct || rawProduct === '-' || /[*?]/.test(rawProduct) ? '*' : rawProduct
    keys.set(`${vendor}\u0000${product}`, [vendor, product])
  }
  const walk = (n: VulnRecord['configurations'][number]) => {
    for (const m of n.cpeMatch) if (m.vulnerable) addCpe(m.criteria)
    for (const c of n.children ?? []) walk(c)
  }
  for (const n of rec.configurations) walk(n)
  for (const a of rec.affected) {
    if (a.cpes?.length) for (const c of a.cpes) addCpe(c)
    else if (a.vendor && a.product) {
      const vendor = canonicalVendor(a.vendor)
      const product = canonicalProduct(vendor, a.product)
      keys.set(`${vendor}\u0000${product}`, [vendor, product])
    }
  }
  return [...keys.values()]
}

import { MamoriError } from '../core/errors.js'
import type { Finding, ScanRecord, VulnRef } from '../core/record.js'
import type { QueryAst } from '../query/ast.js'
import { fieldByName } from '../query/fields.js'
import { ipv4ToNumber } from '../query/ipv4.js'
import type { Dialect } from './dialect.js'
import { type FieldTarget, fieldTarget } from './field-targets.js'
import type { Params } from './query-compiler.js'
import { addressIdRange, msToIso, serviceKey, timeMs } from './record-row.js'
import type {
  DiffEntry,
  FacetRequest,
  FacetResult,
  HistoryEntry,
  HostReport,
  IngestResult,
  ScanInfo,
  ScanSummary,
  SearchOptions,
  ServiceKey,
  ServiceRow,
  Store,
} from './store.js'

type Row = Record<string, unknown>

/** Rows per statement: large enough to amortise, small enough for PostgreSQL's bind message. */
const CHUNK = 5000

// the scan id as a subquery, not a join: the planner must not drive a search from the few scans
const SERVICE_SELECT = `s.id, s.ip, s.port, s.transport, s.protocol, s.status, c.banner, c.error, c.data,
  c.fingerprint, c.audit, e.first_seen, e.last_seen, (SELECT sc.id FROM scans sc WHERE sc.num = e.last_scan)
  AS last_scan_id`
const SERVICE_FROM = `services s JOIN contents c ON c.id = s.content_id
  JOIN service_seen e ON e.service_id = s.id`

const DIFF_FIELDS = ['protocol', 'status', 'banner', 'product', 'version'] as const

/** The Store over any Dialect: SQL is written once, dialect hooks fill the differences. */
export class SqlStore implements Store {
  readonly dialect: 'sqlite' | 'postgres'
  readonly #d: Dialect
  #writes: Promise<unknown> = Promise.resolve()

  private constructor(d: Dialect) {
    this.#d = d
    this.dialect = d.name
  }

  /** Opens the store and brings its schema up to date. */
  static async open(d: Dialect): Promise<SqlStore> {
    const store = new SqlStore(d)
    try {
      await store.#migrate()
    } catch (err) {
      await d.driver.close().catch(() => undefined)
      if (err instanceof MamoriError) throw err
      throw new MamoriError('ERR_STORE', `cannot open the ${d.name} store: ${(err as Error).message}`, {
        cause: err,
      })
    }
    return store
  }

  async #migrate(): Promise<void> {
    const db = this.#d.driver
    await db.exec(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)',
    )
    const [row] = await db.all<{ v: number | null }>('SELECT max(version) AS v FROM schema_migrations')
    const current = row?.v ?? 0
    const known = this.#d.migrations.length
    if (current > known) {
      throw new MamoriError(
        'ERR_STORE',
        `the store's schema is version ${current}; this mamori knows up to ${known}`,
      )
    }
    for (let v = current + 1; v <= known; v++) {
      await db.transaction(async (tx) => {
        await tx.exec(this.#d.migrations[v - 1] as string)
        const p = this.#d.compiler.params()
        await tx.run(
          `INSERT INTO schema_migrations (version, applied_at) VALUES (${p.add(v)}, ${p.add(new Date().toISOString())})`,
          p.values,
        )
      })
    }
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
          stored += await this.#ingestChunk(tx, records.slice(i, i + CHUNK))
        }
        return { stored, duplicates: records.length - stored }
      }),
    )
  }

  async #ingestChunk(tx: Dialect['driver'], records: readonly ScanRecord[]): Promise<number> {
    const times = records.map((r) => timeMs(r.timestamp))
    const windows = new Map<string, { first: number; last: number }>()
    records.forEach((r, i) => {
      const ts = times[i] as number
      const w = windows.get(r.scan_id)
      if (!w) windows.set(r.scan_id, { first: ts, last: ts })
      else widen(w, ts)
    })
    const scans = new Map<string, number>()
    for (const [id, w] of windows) {
      const scan = { id, started_at: msToIso(w.first), finished_at: msToIso(w.last) }
      scans.set(id, await this.#upsertScan(tx, scan))
    }
    const stored = await this.#d.writer.write(tx, records, scans)

    // Vulnerabilities and findings carried by records (imports from other instances): the newest wins.
    const carried = new Map<string, { record: ScanRecord; ts: number }>()
    records.forEach((record, i) => {
      if (!record.vulns && !record.findings) return
      const ts = times[i] as number
      const k = `${record.ip}|${record.port}|${record.transport}`
      const cur = carried.get(k)
      if (!cur || ts >= cur.ts) carried.set(k, { record, ts })
    })
    for (const { record, ts } of carried.values()) {
      const svc = await this.#serviceId(tx, record)
      if (!svc || svc.last_seen !== ts) continue
      if (record.vulns) await this.#replaceVulns(tx, svc.id, record.vulns)
      if (record.findings) await this.#replaceFindings(tx, svc.id, record.findings)
    }
    return stored
  }

  /** Adds or widens a scan; returns its number. */
  async #upsertScan(tx: Dialect['driver'], scan: ScanInfo): Promise<number> {
    const p = this.#d.compiler.params()
    const [row] = await tx.all<{ num: number }>(
      `INSERT INTO scans (id, started_at, finished_at, parameters)
       VALUES (${p.add(scan.id)}, ${p.add(scan.started_at)}, ${p.add(scan.finished_at ?? null)},
         ${p.add(scan.parameters ? JSON.stringify(scan.parameters) : null)})
       ON CONFLICT (id) DO UPDATE SET
         started_at = ${this.#d.least('scans.started_at', 'excluded.started_at')},
         finished_at = CASE WHEN excluded.finished_at IS NULL THEN scans.finished_at
           WHEN scans.finished_at IS NULL THEN excluded.finished_at
           ELSE ${this.#d.greatest('scans.finished_at', 'excluded.finished_at')} END,
         parameters = coalesce(excluded.parameters, scans.parameters)
       RETURNING num`,
      p.values,
    )
    return Number(row?.num)
  }

  recordScan(scan: ScanInfo): Promise<void> {
    return this.#serial(async () => {
      await this.#upsertScan(this.#d.driver, scan)
    })
  }

  async scans(): Promise<ScanSummary[]> {
    const rows = await this.#d.driver.all<Row>(
      `SELECT sc.id, sc.started_at, sc.finished_at, sc.parameters,
         (SELECT count(*) FROM observations o WHERE o.scan = sc.num) AS records,
         (SELECT count(DISTINCT s.ip) FROM observations o JOIN services s ON s.id = o.service_id
           WHERE o.scan = sc.num) AS hosts
       FROM scans sc ORDER BY sc.started_at, sc.id`,
    )
    return rows.map((r) => ({
      id: r.id as string,
      started_at: r.started_at as string,
      ...(r.finished_at ? { finished_at: r.finished_at as string } : {}),
      ...(r.parameters ? { parameters: JSON.parse(r.parameters as string) } : {}),
      records: Number(r.records),
      hosts: Number(r.hosts),
    }))
  }

  async search(query: QueryAst, options: SearchOptions): Promise<ServiceRow[]> {
    const { compiler } = this.#d
    const p = compiler.params()
    let sql = `SELECT ${SERVICE_SELECT} FROM ${SERVICE_FROM} WHERE ${compiler.where(query, p)}`
    if (options.after !== undefined) sql += ` AND s.id > ${p.add(options.after)}`
    sql += ` ORDER BY s.id LIMIT ${p.add(options.limit)} OFFSET ${p.add(options.offset ?? 0)}`
    return this.#withRelated(await this.#d.driver.all<Row>(sql, p.values))
  }

  async count(query: QueryAst): Promise<number> {
    const p = this.#d.compiler.params()
    const [row] = await this.#d.driver.all<{ n: number }>(
      `SELECT count(*) AS n FROM services s WHERE ${this.#d.compiler.where(query, p)}`,
      p.values,
    )
    return Number(row?.n ?? 0)
  }

  /**
   * One pass over the matching services: they are materialised once (id + faceted columns) and every
   * facet and the total are grouped from that set in the same statement.
   */
  async facets(query: QueryAst, facets: readonly FacetRequest[]): Promise<FacetResult> {
    const { compiler, driver } = this.#d
    const defs = facets.map((req) => {
      const def = fieldByName(req.field)
      if (!def) throw new MamoriError('ERR_QUERY_UNKNOWN_FIELD', `unknown facet field "${req.field}"`)
      if (!def.facet)
        throw new MamoriError('ERR_QUERY_VALUE', `field "${def.name}" cannot be used as a facet`)
      return def
    })
    const p = compiler.params()
    const targets = defs.map(fieldTarget)
    const columns = [...new Set(targets.flatMap((t) => (t.kind === 'column' ? [t.column] : [])))]
    const matched = `WITH m AS MATERIALIZED (SELECT ${['s.id', ...columns.map((c) => `s.${c}`)].join(', ')}
      FROM services s WHERE ${compiler.where(query, p)})`
    // placeholders are positional in SQLite: add the values in the order they appear in the SQL
    const total = `SELECT ${p.add(-1)} AS f, NULL AS value, count(*) AS n, 0 AS rk FROM m`
    const branches = defs.map((def, i) => {
      const t = targets[i] as FieldTarget
      // no content field is a facet: banners are too varied to count
      if (t.kind === 'content')
        throw new MamoriError('ERR_QUERY_VALUE', `field "${def.name}" cannot be used as a facet`)
      // ranked inside the branch so the top-N and its order are the per-facet query's
      const grouped =
        t.kind === 'column'
          ? `SELECT m.${t.column} AS v, count(*) AS n,
               row_number() OVER (ORDER BY count(*) DESC, m.${t.column}) AS rk
             FROM m WHERE m.${t.column} IS NOT NULL GROUP BY m.${t.column}`
          : `SELECT r.${t.column} AS v, count(DISTINCT m.id) AS n,
               row_number() OVER (ORDER BY count(DISTINCT m.id) DESC, r.${t.column}) AS rk
             FROM m JOIN ${t.table} r ON r.service_id = m.id GROUP BY r.${t.column}`
      return `SELECT ${p.add(i)} AS f, CAST(g.v AS TEXT) AS value, g.n, g.rk FROM (${grouped}) g
        WHERE g.rk <= ${p.add(facets[i]?.limit ?? 0)}`
    })
    const rows = await driver.all<{ f: number; value: string | null; n: number; rk: number }>(
      `${matched} SELECT * FROM (${total}
       ${branches.map((b) => `UNION ALL ${b}`).join('\n')}) u ORDER BY f, rk`,
      p.values,
    )
    const out: FacetResult = { total: 0, facets: defs.map((d) => ({ field: d.name, values: [] })) }
    for (const r of rows) {
      const f = Number(r.f)
      if (f < 0) {
        out.total = Number(r.n)
        continue
      }
      const value = defs[f]?.type === 'int' ? Number(r.value) : (r.value as string)
      out.facets[f]?.values.push({ value, count: Number(r.n) })
    }
    return out
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

  async #withRelated(rows: Row[]): Promise<ServiceRow[]> {
    const ids = rows.map((r) => Number(r.id))
    const vulns = new Map<number, Row[]>()
    const findings = new Map<number, Row[]>()
    for (let i = 0; i < ids.length; i += 500) {
      const chunk = ids.slice(i, i + 500)
      for (const [table, into] of [
        ['vulns', vulns],
        ['findings', findings],
      ] as const) {
        const p = this.#d.compiler.params()
        const list = chunk.map((id) => p.add(id)).join(', ')
        for (const r of await this.#d.driver.all<Row>(
          `SELECT * FROM ${table} WHERE service_id IN (${list})`,
          p.values,
        )) {
          const id = Number(r.service_id)
          into.set(id, [...(into.get(id) ?? []), r])
        }
      }
    }
    return rows.map((r) => {
      const id = Number(r.id)
      const v = vulns.get(id)
      const f = findings.get(id)
      const row: ServiceRow = {
        ip: r.ip as string,
        port: Number(r.port),
        transport: r.transport as ServiceRow['transport'],
        protocol: r.protocol as string,
        timestamp: msToIso(r.last_seen),
        scan_id: r.last_scan_id as string,
        status: r.status as ServiceRow['status'],
        banner: r.banner as string,
        ...(r.error ? { error: r.error as string } : {}),
        data: JSON.parse(r.data as string),
        ...(r.fingerprint ? { fingerprint: JSON.parse(r.fingerprint as string) } : {}),
        ...(r.audit ? { audit: JSON.parse(r.audit as string) } : {}),
        ...(v ? { vulns: v.map(toVuln) } : {}),
        ...(f ? { findings: f.map(toFinding) } : {}),
        first_seen: msToIso(r.first_seen),
        last_seen: msToIso(r.last_seen),
        service_id: id,
      }
      return row
    })
  }

  async #serviceId(
    db: Dialect['driver'],
    key: ServiceKey,
  ): Promise<{ id: number; last_seen: number } | undefined> {
    const p = this.#d.compiler.params()
    const [row] = await db.all<{ id: number; last_seen: number }>(
      `SELECT service_id AS id, last_seen FROM service_seen
       WHERE service_id = ${p.add(serviceKey(ipv4ToNumber(key.ip) ?? -1, key.port, key.transport))}`,
      p.values,
    )
    return row ? { id: Number(row.id), last_seen: Number(row.last_seen) } : undefined
  }

  async #replaceVulns(tx: Dialect['driver'], id: number, vulns: readonly VulnRef[]): Promise<void> {
    const p0 = this.#d.compiler.params()
    await tx.run(`DELETE FROM vulns WHERE service_id = ${p0.add(id)}`, p0.values)
    const seen = new Set<string>()
    for (const v of vulns) {
      const vid = v.id.toUpperCase()
      if (seen.has(vid)) continue
      seen.add(vid)
      const p = this.#d.compiler.params()
      await tx.run(
        `INSERT INTO vulns (service_id, vuln_id, cvss, kev, status)
         VALUES (${p.add(id)}, ${p.add(vid)}, ${p.add(v.cvss ?? null)}, ${p.add(v.kev ? 1 : 0)}, ${p.add(v.status ?? null)})`,
        p.values,
      )
    }
    const p1 = this.#d.compiler.params()
    await tx.run(
      `UPDATE services SET has_vuln = ${p1.add(seen.size > 0 ? 1 : 0)} WHERE id = ${p1.add(id)}`,
      p1.values,
    )
  }

  async #replaceFindings(tx: Dialect['driver'], id: number, findings: readonly Finding[]): Promise<void> {
    const p0 = this.#d.compiler.params()
    await tx.run(`DELETE FROM findings WHERE service_id = ${p0.add(id)}`, p0.values)
    const seen = new Set<string>()
    for (const f of findings) {
      if (seen.has(f.type)) continue
      seen.add(f.type)
      const p = this.#d.compiler.params()
      await tx.run(
        `INSERT INTO findings (service_id, type, severity, title, detail)
         VALUES (${p.add(id)}, ${p.add(f.type)}, ${p.add(f.severity)}, ${p.add(f.title ?? null)}, ${p.add(f.detail ?? null)})`,
        p.values,
      )
    }
  }

  #requireService(tx: Dialect['driver'], key: ServiceKey): Promise<number> {
    return this.#serviceId(tx, key).then((s) => {
      if (!s)
        throw new MamoriError(
          'ERR_NOT_FOUND',
          `no service ${key.ip}:${key.port}/${key.transport} in the store`,
        )
      return s.id
    })
  }

  setVulns(service: ServiceKey, vulns: readonly VulnRef[], findings?: readonly Finding[]): Promise<void> {
    return this.#serial(() =>
      this.#d.driver.transaction(async (tx) => {
        const id = await this.#requireService(tx, service)
        await this.#replaceVulns(tx, id, vulns)
        if (findings) await this.#replaceFindings(tx, id, findings)
      }),
    )
  }

  setFindings(service: ServiceKey, findings: readonly Finding[]): Promise<void> {
    return this.#serial(() =>
      this.#d.driver.transaction(async (tx) =>
        this.#replaceFindings(tx, await this.#requireService(tx, service), findings),
      ),
    )
  }

  setHostInfo(ip: string, info: { country?: string; asn?: number; org?: string }): Promise<void> {
    return this.#serial(() =>
      this.#d.driver.transaction(async (tx) => {
        const set = (p: Params) =>
          `country = ${p.add(info.country ?? null)}, asn = ${p.add(info.asn ?? null)}, org = ${p.add(info.org ?? null)}`
        const ph = this.#d.compiler.params()
        await tx.run(`UPDATE hosts SET ${set(ph)} WHERE ip = ${ph.add(ip)}`, ph.values)
        const ipNum = ipv4ToNumber(ip) ?? -1
        const [first, last] = addressIdRange(ipNum, ipNum)
        const ps = this.#d.compiler.params()
        await tx.run(
          `UPDATE services SET ${set(ps)} WHERE id BETWEEN ${ps.add(first)} AND ${ps.add(last)}`,
          ps.values,
        )
      }),
    )
  }

  analyze(): Promise<void> {
    return this.#serial(() => this.#d.driver.exec(this.#d.analyzeSql))
  }

  async host(ip: string): Promise<HostReport | undefined> {
    const ipNum = ipv4ToNumber(ip)
    if (ipNum === undefined) throw new MamoriError('ERR_USAGE', `"${ip}" is not an IPv4 address`)
    const [first, last] = addressIdRange(ipNum, ipNum)
    const db = this.#d.driver
    const p = this.#d.compiler.params()
    const [h] = await db.all<Row>(`SELECT * FROM hosts WHERE ip = ${p.add(ip)}`, p.values)
    if (!h) return undefined
    const p2 = this.#d.compiler.params()
    const services = await this.#withRelated(
      await db.all<Row>(
        `SELECT ${SERVICE_SELECT} FROM ${SERVICE_FROM}
         WHERE s.id BETWEEN ${p2.add(first)} AND ${p2.add(last)} ORDER BY s.port, s.transport`,
        p2.values,
      ),
    )
    const p3 = this.#d.compiler.params()
    const ids = services.map((s) => p3.add(s.service_id)).join(', ')
    // driven from scans: SQLite then looks each one up in the (scan, service_id) key
    const obs = services.length
      ? await db.all<Row>(
          `SELECT o.service_id, sc.id AS scan_id, o.ts, c.status, c.protocol, c.banner, c.product, c.version
           FROM scans sc CROSS JOIN observations o JOIN contents c ON c.id = o.content_id
           WHERE o.scan = sc.num AND o.service_id IN (${ids})
           ORDER BY o.service_id, o.ts, sc.id`,
          p3.values,
        )
      : []
    const history = new Map<number, HistoryEntry[]>()
    for (const o of obs) {
      const list = history.get(Number(o.service_id)) ?? []
      const prev = list[list.length - 1]
      const entry: HistoryEntry = {
        scan_id: o.scan_id as string,
        timestamp: msToIso(o.ts),
        status: o.status as string,
        protocol: o.protocol as string,
        banner: o.banner as string,
        ...(o.product ? { product: o.product as string } : {}),
        ...(o.version ? { version: o.version as string } : {}),
        changed: prev ? DIFF_FIELDS.filter((f) => (prev[f] ?? null) !== (o[f] ?? null)) : [],
      }
      list.push(entry)
      history.set(Number(o.service_id), list)
    }
    return {
      ip,
      // a host's seen-window is its services' (hosts are added with their first service)
      first_seen: services.map((s) => s.first_seen).sort()[0] as string,
      last_seen: services.map((s) => s.last_seen).sort()[services.length - 1] as string,
      ...(h.country ? { country: h.country as string } : {}),
      ...(h.asn != null ? { asn: Number(h.asn) } : {}),
      ...(h.org ? { org: h.org as string } : {}),
      services: services.map((s) => ({ ...s, history: history.get(s.service_id) ?? [] })),
    }
  }

  async diff(a: string, b: string): Promise<DiffEntry[]> {
    const db = this.#d.driver
    const nums = new Map<string, number>()
    for (const id of [a, b]) {
      const p = this.#d.compiler.params()
      const [row] = await db.all<{ num: number }>(`SELECT num FROM scans WHERE id = ${p.add(id)}`, p.values)
      if (!row) throw new MamoriError('ERR_NOT_FOUND', `no scan "${id}" in the store (see mamori scans)`)
      nums.set(id, Number(row.num))
    }
    const cols = `s.ip, s.port, s.transport, ${DIFF_FIELDS.map((f) => `c.${f}`).join(', ')}`
    const side = (r: Row) => ({
      protocol: r.protocol as string,
      status: r.status as string,
      banner: r.banner as string,
      ...(r.product ? { product: r.product as string } : {}),
      ...(r.version ? { version: r.version as string } : {}),
    })
    const out: DiffEntry[] = []
    for (const [change, from, to] of [
      ['appeared', b, a],
      ['disappeared', a, b],
    ] as const) {
      const p = this.#d.compiler.params()
      const rows = await db.all<Row>(
        `SELECT ${cols} FROM observations o JOIN services s ON s.id = o.service_id
         JOIN contents c ON c.id = o.content_id
         WHERE o.scan = ${p.add(nums.get(from))} AND NOT EXISTS
           (SELECT 1 FROM observations x WHERE x.scan = ${p.add(nums.get(to))} AND x.service_id = o.service_id)
         ORDER BY s.id`,
        p.values,
      )
      for (const r of rows) {
        const entry: DiffEntry = {
          change,
          ip: r.ip as string,
          port: Number(r.port),
          transport: r.transport as string,
          fields: [],
        }
        out.push(change === 'appeared' ? { ...entry, after: side(r) } : { ...entry, before: side(r) })
      }
    }
    const p = this.#d.compiler.params()
    const changed = await db.all<Row>(
      `SELECT s.ip, s.port, s.transport, ${DIFF_FIELDS.map((f) => `ca.${f} AS a_${f}, cb.${f} AS b_${f}`).join(', ')}
       FROM observations a JOIN observations b ON b.service_id = a.service_id
       JOIN services s ON s.id = a.service_id
       JOIN contents ca ON ca.id = a.content_id JOIN contents cb ON cb.id = b.content_id
       WHERE a.scan = ${p.add(nums.get(a))} AND b.scan = ${p.add(nums.get(b))} AND a.content_id <> b.content_id
         AND (${DIFF_FIELDS.map((f) => `ca.${f} IS DISTINCT FROM cb.${f}`).join(' OR ')})
       ORDER BY s.id`,
      p.values,
    )
    for (const r of changed) {
      const pick = (prefix: string) =>
        side(Object.fromEntries(DIFF_FIELDS.map((f) => [f, r[`${prefix}_${f}`]])))
      out.push({
        change: 'changed',
        ip: r.ip as string,
        port: Number(r.port),
        transport: r.transport as string,
        fields: DIFF_FIELDS.filter((f) => (r[`a_${f}`] ?? null) !== (r[`b_${f}`] ?? null)),
        before: pick('a'),
        after: pick('b'),
      })
    }
    return out
  }

  close(): Promise<void> {
    return this.#serial(() => this.#d.driver.close())
  }
}

/** Stretches a first/last-seen window to include `ts`. */
function widen(w: { first: number; last: number }, ts: number): void {
  if (ts < w.first) w.first = ts
  if (ts > w.last) w.last = ts
}

function toVuln(r: Row): VulnRef {
  return {
    id: r.vuln_id as string,
    ...(r.cvss != null ? { cvss: Number(r.cvss) } : {}),
    kev: Number(r.kev) === 1,
    ...(r.status ? { status: r.status as VulnRef['status'] } : {}),
  }
}

function toFinding(r: Row): Finding {
  return {
    type: r.type as string,
    severity: r.severity as Finding['severity'],
    ...(r.title ? { title: r.title as string } : {}),
    ...(r.detail ? { detail: r.detail as string } : {}),
  }
}

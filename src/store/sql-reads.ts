import { MamoriError } from '../core/errors.js'
import type { Finding, VulnRef } from '../core/record.js'
import type { QueryAst } from '../query/ast.js'
import { fieldByName } from '../query/fields.js'
import type { Dialect } from './dialect.js'
import { type FieldTarget, fieldTarget } from './field-targets.js'
import { msToIso } from './record-row.js'
import { type Sql, sql } from './sql.js'
import type { FacetRequest, FacetResult, ScanSummary, SearchOptions, ServiceRow } from './store.js'

// The store's searches: services matching a query, counts, facets, the list of scans.

export type Row = Record<string, unknown>

// the scan id as a subquery, not a join: the planner must not drive a search from the few scans
const SERVICE_SELECT = sql`s.id, s.ip, s.port, s.transport, s.protocol, s.status, c.banner, c.error, c.data,
  c.fingerprint, c.audit, e.first_seen, e.last_seen, (SELECT sc.id FROM scans sc WHERE sc.num = e.last_scan)
  AS last_scan_id`
const SERVICE_FROM = sql`services s JOIN contents c ON c.id = s.content_id
  JOIN service_seen e ON e.service_id = s.id`

/** The service rows (with their vulns and findings) of the services `where` selects, in `order`. */
export async function selectServices(d: Dialect, where: Sql, order: Sql): Promise<ServiceRow[]> {
  return withRelated(
    d,
    await d.driver.all<Row>(sql`SELECT ${SERVICE_SELECT} FROM ${SERVICE_FROM} WHERE ${where} ${order}`),
  )
}

export async function search(d: Dialect, query: QueryAst, options: SearchOptions): Promise<ServiceRow[]> {
  const after = options.after !== undefined ? sql` AND s.id > ${options.after}` : sql``
  return selectServices(
    d,
    sql`${d.compiler.where(query)}${after}`,
    sql`ORDER BY s.id LIMIT ${options.limit} OFFSET ${options.offset ?? 0}`,
  )
}

export async function count(d: Dialect, query: QueryAst): Promise<number> {
  const [row] = await d.driver.all<{ n: number }>(
    sql`SELECT count(*) AS n FROM services s WHERE ${d.compiler.where(query)}`,
  )
  return Number(row?.n ?? 0)
}

/**
 * One pass over the matching services: they are materialised once (id + faceted columns) and every
 * facet and the total are grouped from that set in the same statement.
 */
export async function facets(
  d: Dialect,
  query: QueryAst,
  facets: readonly FacetRequest[],
): Promise<FacetResult> {
  const defs = facets.map((req) => {
    const def = fieldByName(req.field)
    if (!def) throw new MamoriError('ERR_QUERY_UNKNOWN_FIELD', `unknown facet field "${req.field}"`)
    if (!def.facet) throw new MamoriError('ERR_QUERY_VALUE', `field "${def.name}" cannot be used as a facet`)
    return def
  })
  const targets = defs.map(fieldTarget)
  const columns = [...new Set(targets.flatMap((t) => (t.kind === 'column' ? [t.column] : [])))]
  const matched = sql`WITH m AS MATERIALIZED (SELECT ${sql.raw(['s.id', ...columns.map((c) => `s.${c}`)].join(', '))}
      FROM services s WHERE ${d.compiler.where(query)})`
  const total = sql`SELECT ${-1} AS f, NULL AS value, count(*) AS n, 0 AS rk FROM m`
  const branches = defs.map((def, i) => {
    const t = targets[i] as FieldTarget
    // no content field is a facet: banners are too varied to count
    if (t.kind === 'content')
      throw new MamoriError('ERR_QUERY_VALUE', `field "${def.name}" cannot be used as a facet`)
    const col = sql.raw(t.column)
    // ranked inside the branch so the top-N and its order are the per-facet query's
    const grouped =
      t.kind === 'column'
        ? sql`SELECT m.${col} AS v, count(*) AS n,
               row_number() OVER (ORDER BY count(*) DESC, m.${col}) AS rk
             FROM m WHERE m.${col} IS NOT NULL GROUP BY m.${col}`
        : sql`SELECT r.${col} AS v, count(DISTINCT m.id) AS n,
               row_number() OVER (ORDER BY count(DISTINCT m.id) DESC, r.${col}) AS rk
             FROM m JOIN ${sql.raw(t.table)} r ON r.service_id = m.id GROUP BY r.${col}`
    return sql`UNION ALL SELECT ${i} AS f, CAST(g.v AS TEXT) AS value, g.n, g.rk FROM (${grouped}) g
        WHERE g.rk <= ${facets[i]?.limit ?? 0}`
  })
  const rows = await d.driver.all<{ f: number; value: string | null; n: number; rk: number }>(
    sql`${matched} SELECT * FROM (${total}
       ${sql.join(branches, '\n')}) u ORDER BY f, rk`,
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

export async function scans(d: Dialect): Promise<ScanSummary[]> {
  const rows = await d.driver.all<Row>(
    sql`SELECT sc.id, sc.started_at, sc.finished_at, sc.parameters,
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

/** Service rows as records, with their vulnerabilities and findings (read in chunks of 500 services). */
async function withRelated(d: Dialect, rows: Row[]): Promise<ServiceRow[]> {
  const ids = rows.map((r) => Number(r.id))
  const vulns = new Map<number, Row[]>()
  const findings = new Map<number, Row[]>()
  for (let i = 0; i < ids.length; i += 500) {
    const chunk = ids.slice(i, i + 500)
    for (const [table, into] of [
      ['vulns', vulns],
      ['findings', findings],
    ] as const) {
      for (const r of await d.driver.all<Row>(
        sql`SELECT * FROM ${sql.raw(table)} WHERE service_id IN (${sql.join(chunk)})`,
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
    ...(r.ref ? { ref: r.ref as string } : {}),
    severity: r.severity as Finding['severity'],
    ...(r.title ? { title: r.title as string } : {}),
    ...(r.detail ? { detail: r.detail as string } : {}),
  }
}

import { MamoriError } from '../core/errors.js'
import { parseDottedIPv4 } from '../core/ipv4.js'
import type { Dialect } from './dialect.js'
import { addressIdRange, msToIso } from './record-row.js'
import { sql } from './sql.js'
import { type Row, selectServices } from './sql-reads.js'
import type { DiffEntry, HistoryEntry, HostReport } from './store.js'

// What changed over time: a host's services with every observation, and two scans compared.

const DIFF_FIELDS = ['protocol', 'status', 'banner', 'product', 'version'] as const

export async function host(d: Dialect, ip: string): Promise<HostReport | undefined> {
  const ipNum = parseDottedIPv4(ip)
  if (ipNum === undefined) throw new MamoriError('ERR_USAGE', `"${ip}" is not an IPv4 address`)
  const [first, last] = addressIdRange(ipNum, ipNum)
  const db = d.driver
  const [h] = await db.all<Row>(sql`SELECT * FROM hosts WHERE ip = ${ip}`)
  if (!h) return undefined
  const services = await selectServices(
    d,
    sql`s.id BETWEEN ${first} AND ${last}`,
    sql`ORDER BY s.port, s.transport`,
  )
  // driven from scans: SQLite then looks each one up in the (scan, service_id) key
  const obs = services.length
    ? await db.all<Row>(
        sql`SELECT o.service_id, sc.id AS scan_id, o.ts, c.status, c.protocol, c.banner, c.product, c.version
           FROM scans sc CROSS JOIN observations o JOIN contents c ON c.id = o.content_id
           WHERE o.scan = sc.num AND o.service_id IN (${sql.join(services.map((s) => s.service_id))})
           ORDER BY o.service_id, o.ts, sc.id`,
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

export async function diff(d: Dialect, a: string, b: string): Promise<DiffEntry[]> {
  const db = d.driver
  const nums = new Map<string, number>()
  for (const id of [a, b]) {
    const [row] = await db.all<{ num: number }>(sql`SELECT num FROM scans WHERE id = ${id}`)
    if (!row) throw new MamoriError('ERR_NOT_FOUND', `no scan "${id}" in the store (see mamori scans)`)
    nums.set(id, Number(row.num))
  }
  const cols = sql.raw(`s.ip, s.port, s.transport, ${DIFF_FIELDS.map((f) => `c.${f}`).join(', ')}`)
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
    const rows = await db.all<Row>(
      sql`SELECT ${cols} FROM observations o JOIN services s ON s.id = o.service_id
         JOIN contents c ON c.id = o.content_id
         WHERE o.scan = ${nums.get(from)} AND NOT EXISTS
           (SELECT 1 FROM observations x WHERE x.scan = ${nums.get(to)} AND x.service_id = o.service_id)
         ORDER BY s.id`,
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
  const pairs = sql.raw(DIFF_FIELDS.map((f) => `ca.${f} AS a_${f}, cb.${f} AS b_${f}`).join(', '))
  const differs = sql.raw(DIFF_FIELDS.map((f) => `ca.${f} IS DISTINCT FROM cb.${f}`).join(' OR '))
  const changed = await db.all<Row>(
    sql`SELECT s.ip, s.port, s.transport, ${pairs}
       FROM observations a JOIN observations b ON b.service_id = a.service_id
       JOIN services s ON s.id = a.service_id
       JOIN contents ca ON ca.id = a.content_id JOIN contents cb ON cb.id = b.content_id
       WHERE a.scan = ${nums.get(a)} AND b.scan = ${nums.get(b)} AND a.content_id <> b.content_id
         AND (${differs})
       ORDER BY s.id`,
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

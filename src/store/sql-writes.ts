import { MamoriError } from '../core/errors.js'
import { parseDottedIPv4 } from '../core/ipv4.js'
import type { Finding, ScanRecord, VulnRef } from '../core/record.js'
import type { Dialect } from './dialect.js'
import { addressIdRange, msToIso, serviceKey, timeMs } from './record-row.js'
import { sql } from './sql.js'
import type { SqlDriver } from './sql-driver.js'
import type { ScanInfo, ServiceKey } from './store.js'

// The store's writes, each inside a transaction its caller opened (sql-store.ts serialises them).

/** Brings the schema up to the dialect's newest version, one transaction per version. */
export async function migrate(d: Dialect): Promise<void> {
  const db = d.driver
  await db.exec(
    'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)',
  )
  const [row] = await db.all<{ v: number | null }>(sql`SELECT max(version) AS v FROM schema_migrations`)
  const current = row?.v ?? 0
  const known = d.migrations.length
  if (current > known) {
    throw new MamoriError(
      'ERR_STORE',
      `the store's schema is version ${current}; this mamori knows up to ${known}`,
    )
  }
  for (let v = current + 1; v <= known; v++) {
    await db.transaction(async (tx) => {
      await tx.exec(d.migrations[v - 1] as string)
      await tx.run(
        sql`INSERT INTO schema_migrations (version, applied_at) VALUES (${v}, ${new Date().toISOString()})`,
      )
    })
  }
}

/** Stores one chunk of records: their scans, the rows (the dialect's writer), carried vulns and findings. */
export async function ingestChunk(
  d: Dialect,
  tx: SqlDriver,
  records: readonly ScanRecord[],
): Promise<number> {
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
    scans.set(id, await upsertScan(d, tx, scan))
  }
  const stored = await d.writer.write(tx, records, scans)

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
    const svc = await serviceSeen(tx, record)
    if (!svc || svc.last_seen !== ts) continue
    if (record.vulns) await replaceVulns(tx, svc.id, record.vulns)
    if (record.findings) await replaceFindings(tx, svc.id, record.findings)
  }
  return stored
}

/** Adds or widens a scan; returns its number. */
export async function upsertScan(d: Dialect, tx: SqlDriver, scan: ScanInfo): Promise<number> {
  const [row] = await tx.all<{ num: number }>(
    sql`INSERT INTO scans (id, started_at, finished_at, parameters)
       VALUES (${scan.id}, ${scan.started_at}, ${scan.finished_at ?? null},
         ${scan.parameters ? JSON.stringify(scan.parameters) : null})
       ON CONFLICT (id) DO UPDATE SET
         started_at = ${sql.raw(d.least('scans.started_at', 'excluded.started_at'))},
         finished_at = CASE WHEN excluded.finished_at IS NULL THEN scans.finished_at
           WHEN scans.finished_at IS NULL THEN excluded.finished_at
           ELSE ${sql.raw(d.greatest('scans.finished_at', 'excluded.finished_at'))} END,
         parameters = coalesce(excluded.parameters, scans.parameters)
       RETURNING num`,
  )
  return Number(row?.num)
}

/** A service's id and when it was last seen, or undefined when the store has never seen it. */
async function serviceSeen(
  db: SqlDriver,
  key: ServiceKey,
): Promise<{ id: number; last_seen: number } | undefined> {
  const id = serviceKey(parseDottedIPv4(key.ip) ?? -1, key.port, key.transport)
  const [row] = await db.all<{ id: number; last_seen: number }>(
    sql`SELECT service_id AS id, last_seen FROM service_seen WHERE service_id = ${id}`,
  )
  return row ? { id: Number(row.id), last_seen: Number(row.last_seen) } : undefined
}

/** A service's id; a service the store does not have is ERR_NOT_FOUND. */
export async function requireService(tx: SqlDriver, key: ServiceKey): Promise<number> {
  const s = await serviceSeen(tx, key)
  if (!s)
    throw new MamoriError('ERR_NOT_FOUND', `no service ${key.ip}:${key.port}/${key.transport} in the store`)
  return s.id
}

export async function replaceVulns(tx: SqlDriver, id: number, vulns: readonly VulnRef[]): Promise<void> {
  await tx.run(sql`DELETE FROM vulns WHERE service_id = ${id}`)
  const seen = new Set<string>()
  for (const v of vulns) {
    const vid = v.id.toUpperCase()
    if (seen.has(vid)) continue
    seen.add(vid)
    await tx.run(
      sql`INSERT INTO vulns (service_id, vuln_id, cvss, kev, status)
         VALUES (${id}, ${vid}, ${v.cvss ?? null}, ${v.kev ? 1 : 0}, ${v.status ?? null})`,
    )
  }
  await tx.run(sql`UPDATE services SET has_vuln = ${seen.size > 0 ? 1 : 0} WHERE id = ${id}`)
}

export async function replaceFindings(
  tx: SqlDriver,
  id: number,
  findings: readonly Finding[],
): Promise<void> {
  await tx.run(sql`DELETE FROM findings WHERE service_id = ${id}`)
  // one per identity: its type, and its ref (a CVE) where a service can have several of a type
  const seen = new Set<string>()
  for (const f of findings) {
    const ref = f.ref ?? ''
    if (seen.has(`${f.type}\0${ref}`)) continue
    seen.add(`${f.type}\0${ref}`)
    await tx.run(
      sql`INSERT INTO findings (service_id, type, ref, severity, title, detail)
         VALUES (${id}, ${f.type}, ${ref}, ${f.severity}, ${f.title ?? null}, ${f.detail ?? null})`,
    )
  }
}

/** A host's country, AS and organisation, on the host and on each of its services (search filters there). */
export async function setHostInfo(
  tx: SqlDriver,
  ip: string,
  info: { country?: string; asn?: number; org?: string },
): Promise<void> {
  const set = sql`country = ${info.country ?? null}, asn = ${info.asn ?? null}, org = ${info.org ?? null}`
  await tx.run(sql`UPDATE hosts SET ${set} WHERE ip = ${ip}`)
  const ipNum = parseDottedIPv4(ip) ?? -1
  const [first, last] = addressIdRange(ipNum, ipNum)
  await tx.run(sql`UPDATE services SET ${set} WHERE id BETWEEN ${first} AND ${last}`)
}

/** Stretches a first/last-seen window to include `ts`. */
function widen(w: { first: number; last: number }, ts: number): void {
  if (ts < w.first) w.first = ts
  if (ts > w.last) w.last = ts
}

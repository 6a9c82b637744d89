import type { ScanRecord } from '../../../core/record.js'
import {
  COL_INDEX,
  CONTENT_COLUMNS,
  ROW_COLUMNS,
  type RowColumn,
  recordToRow,
  SERVICE_STATE_COLUMNS,
  searchText,
} from '../../record-row.js'
import type { RecordWriter, ScanNumbers } from '../../record-writer.js'
import { type Sql, sql } from '../../sql.js'
import type { SqlDriver } from '../../sql-driver.js'

type Bulk = readonly (readonly [name: string, type: string])[]
/** Columns the writer adds to a record's row: its service's seen-window start and its scan's number. */
const EXTRA: Bulk = [
  ['first_seen', 'bigint'],
  ['scan', 'bigint'],
]
const typed = (names: readonly string[]): Bulk =>
  names.map((n) => [...ROW_COLUMNS, ...EXTRA].find(([c]) => c === n) ?? ([n, 'text'] as const))

/** `SELECT * FROM unnest($1::text[], ...)`: one array parameter per column, the usual bulk path without COPY. */
function unnest(columns: Bulk, rows: readonly unknown[][]): Sql {
  const arrays = columns.map(([, type], i) => sql`${rows.map((r) => r[i])}::${sql.raw(type)}[]`)
  return sql`SELECT * FROM unnest(${sql.join(arrays)}) AS t(${sql.raw(columns.map(([n]) => n).join(', '))})`
}

const at = (r: readonly unknown[], c: RowColumn) => r[COL_INDEX[c]] as string
const tsOf = (r: readonly unknown[]) => r[COL_INDEX.ts] as number

/** One service's rows in a chunk: the newest one and the seen-window they span. */
interface Latest {
  row: readonly unknown[]
  first: number
  last: number
}

/**
 * One statement per table per chunk. PostgreSQL refuses to update a row twice in one statement, so
 * hosts, services and contents are first reduced to one row each per chunk.
 */
export class PostgresRecordWriter implements RecordWriter {
  async write(tx: SqlDriver, records: readonly ScanRecord[], scans: ScanNumbers): Promise<number> {
    const rows = records.map((r) => recordToRow(r))
    const latest = new Map<unknown, Latest>()
    const hosts = new Map<string, unknown>()
    const contents = new Map<string, readonly unknown[]>()
    for (const row of rows) {
      const ts = tsOf(row)
      const k = row[COL_INDEX.service_key]
      const cur = latest.get(k)
      if (!cur) latest.set(k, { row, first: ts, last: ts })
      else {
        if (ts >= cur.last) Object.assign(cur, { row, last: ts })
        if (ts < cur.first) cur.first = ts
      }
      hosts.set(at(row, 'ip'), row[COL_INDEX.ip_num])
      contents.set(at(row, 'content_hash'), row)
    }

    await this.#hosts(tx, hosts)
    await this.#contents(tx, contents)
    await this.#services(tx, [...latest.values()], scans)

    const src = unnest(
      typed(['scan', 'service_key', 'ts', 'content_hash']),
      rows.map((r) => [
        scans.get(at(r, 'scan_id')),
        r[COL_INDEX.service_key],
        tsOf(r),
        at(r, 'content_hash'),
      ]),
    )
    return tx.run(
      sql`INSERT INTO observations (scan, service_id, ts, content_id)
       SELECT r.scan, r.service_key, r.ts, c.id FROM (${src}) AS r JOIN contents c ON c.hash = r.content_hash
       ON CONFLICT (scan, service_id) DO NOTHING`,
    )
  }

  async #hosts(tx: SqlDriver, hosts: Map<string, unknown>) {
    const src = unnest(
      [
        ['ip', 'text'],
        ['ip_num', 'bigint'],
      ],
      [...hosts],
    )
    await tx.run(sql`INSERT INTO hosts (ip, ip_num) ${src} ON CONFLICT (ip) DO NOTHING`)
  }

  /** Only contents the store does not have yet travel in full. */
  async #contents(tx: SqlDriver, contents: Map<string, readonly unknown[]>) {
    const known = new Set(
      (
        await tx.all<{ hash: string }>(
          sql`SELECT hash FROM contents WHERE hash = ANY(${[...contents.keys()]}::text[])`,
        )
      ).map((r) => r.hash),
    )
    const fresh = [...contents.values()].filter((r) => !known.has(at(r, 'content_hash')))
    if (fresh.length === 0) return
    const cols = ['content_hash', ...CONTENT_COLUMNS]
    const src = unnest(
      [...typed(cols), ['search_text', 'text']],
      fresh.map((r) => [...cols.map((n) => r[COL_INDEX[n as RowColumn]]), searchText(r)]),
    )
    await tx.run(
      sql`INSERT INTO contents (hash, ${sql.raw(CONTENT_COLUMNS.join(', '))}, search_text)
       SELECT * FROM (${src}) AS r ON CONFLICT (hash) DO NOTHING`,
    )
  }

  /** New services are created; known ones take the newest record's state; every seen-window widens. */
  async #services(tx: SqlDriver, latest: Latest[], scans: ScanNumbers) {
    const names = [
      'ip',
      'service_key',
      'port',
      'transport',
      ...SERVICE_STATE_COLUMNS,
      'content_hash',
      'first_seen',
      'ts',
      'scan',
    ]
    const rows = latest.map((l) =>
      names.map((n) =>
        n === 'first_seen'
          ? l.first
          : n === 'scan'
            ? scans.get(at(l.row, 'scan_id'))
            : l.row[COL_INDEX[n as RowColumn]],
      ),
    )
    const sets = sql.raw(SERVICE_STATE_COLUMNS.map((c) => `${c} = r.${c}`).join(', '))
    const state = sql.raw(SERVICE_STATE_COLUMNS.join(', '))
    const fromR = sql.raw(SERVICE_STATE_COLUMNS.map((c) => `r.${c}`).join(', '))
    const src = unnest(typed(names), rows)
    // state first, compared with the seen-window before it widens: an older record adds history only
    await tx.run(
      sql`WITH r AS (${src}),
       moved AS (
         UPDATE services s SET ${sets}, content_id = c.id
         FROM r JOIN contents c ON c.hash = r.content_hash, service_seen e
         WHERE e.service_id = r.service_key AND s.id = r.service_key AND e.content_hash <> r.content_hash
           AND r.ts >= e.last_seen
       )
       INSERT INTO services (id, ip, port, transport, ${state}, content_id)
       SELECT r.service_key, r.ip, r.port, r.transport, ${fromR}, c.id
       FROM r JOIN contents c ON c.hash = r.content_hash
       ON CONFLICT (id) DO NOTHING`,
    )
    const newer = sql.raw('excluded.last_seen >= service_seen.last_seen')
    await tx.run(
      sql`INSERT INTO service_seen (service_id, first_seen, last_seen, last_scan, content_hash, content_id)
       SELECT r.service_key, r.first_seen, r.ts, r.scan, r.content_hash, s.content_id
       FROM (${src}) AS r JOIN services s ON s.id = r.service_key
       ON CONFLICT (service_id) DO UPDATE SET
         first_seen = least(service_seen.first_seen, excluded.first_seen),
         last_seen = greatest(service_seen.last_seen, excluded.last_seen),
         last_scan = CASE WHEN ${newer} THEN excluded.last_scan ELSE service_seen.last_scan END,
         content_hash = CASE WHEN ${newer} THEN excluded.content_hash ELSE service_seen.content_hash END,
         content_id = CASE WHEN ${newer} THEN excluded.content_id ELSE service_seen.content_id END`,
    )
  }
}

import {
  COL_INDEX,
  CONTENT_COLUMNS,
  DETAIL_COLUMNS,
  ROW_COLUMNS,
  type RowColumn,
  SERVICE_STATE_COLUMNS,
} from '../../record-row.js'
import { detailsUpsertSql, type RecordWriter, serviceConflictSql } from '../../record-writer.js'
import type { SqlDriver } from '../../sql-driver.js'

type Bulk = readonly (readonly [name: string, type: string])[]
const typed = (names: readonly string[]): Bulk =>
  names.map((n) => ROW_COLUMNS.find(([c]) => c === n) ?? ([n, 'text'] as const))

/** `SELECT * FROM unnest($1::text[], ...)`: one array parameter per column, the usual bulk path without COPY. */
function unnest(columns: Bulk, rows: readonly unknown[][], params: unknown[]): string {
  const arrays = columns.map(([, type], i) => {
    params.push(rows.map((r) => r[i]))
    return `$${params.length}::${type}[]`
  })
  return `SELECT * FROM unnest(${arrays.join(', ')}) AS t(${columns.map(([n]) => n).join(', ')})`
}

/**
 * One statement per table per chunk. PostgreSQL refuses to update a row twice in one
 * INSERT ... ON CONFLICT, so services and hosts are first reduced to one row each per chunk.
 */
export class PostgresRecordWriter implements RecordWriter {
  async write(tx: SqlDriver, rows: readonly unknown[][]): Promise<number> {
    const at = (r: readonly unknown[], c: RowColumn) => r[COL_INDEX[c]] as string
    const latest = new Map<string, { row: readonly unknown[]; first: string; last: string }>()
    const hosts = new Map<string, { num: unknown; first: string; last: string }>()
    for (const row of rows) {
      const ts = at(row, 'ts')
      const k = `${at(row, 'ip')}|${at(row, 'port')}|${at(row, 'transport')}`
      const cur = latest.get(k)
      if (!cur) latest.set(k, { row, first: ts, last: ts })
      else {
        if (ts >= cur.last) Object.assign(cur, { row, last: ts })
        if (ts < cur.first) cur.first = ts
      }
      const h = hosts.get(at(row, 'ip'))
      if (!h) hosts.set(at(row, 'ip'), { num: row[COL_INDEX.ip_num], first: ts, last: ts })
      else {
        if (ts < h.first) h.first = ts
        if (ts > h.last) h.last = ts
      }
    }

    let params: unknown[] = []
    const hostSrc = unnest(
      typed(['ip', 'ip_num', 'first_seen', 'last_seen']).map(
        ([n, t]) => [n, n === 'ip_num' ? 'bigint' : t] as const,
      ),
      [...hosts].map(([ip, h]) => [ip, h.num, h.first, h.last]),
      params,
    )
    await tx.run(
      `INSERT INTO hosts (ip, ip_num, first_seen, last_seen) ${hostSrc}
       ON CONFLICT (ip) DO UPDATE SET first_seen = least(hosts.first_seen, excluded.first_seen),
         last_seen = greatest(hosts.last_seen, excluded.last_seen)`,
      params,
    )

    const names = [
      'ip',
      'ip_num',
      'port',
      'transport',
      ...SERVICE_STATE_COLUMNS,
      'first_seen',
      'ts',
      'scan_id',
    ]
    params = []
    const svcSrc = unnest(
      typed(names),
      [...latest.values()].map((l) =>
        names.map((n) => (n === 'first_seen' ? l.first : l.row[COL_INDEX[n as RowColumn]])),
      ),
      params,
    )
    await tx.run(
      `INSERT INTO services (ip, ip_num, port, transport, ${SERVICE_STATE_COLUMNS.join(', ')},
         first_seen, last_seen, last_scan_id) ${svcSrc} ${serviceConflictSql('least', 'greatest')}`,
      params,
    )

    const det = ['ip', 'port', 'transport', 'ts', ...DETAIL_COLUMNS]
    params = []
    const detSrc = unnest(
      typed(det),
      [...latest.values()].map((l) => det.map((n) => l.row[COL_INDEX[n as RowColumn]])),
      params,
    )
    // only rows that are now their service's newest record (last_seen was widened just above)
    await tx.run(
      detailsUpsertSql(
        `SELECT s.id, ${DETAIL_COLUMNS.map((c) => `r.${c}`).join(', ')} FROM (${detSrc}) AS r
         JOIN services s ON s.ip = r.ip AND s.port = r.port AND s.transport = r.transport AND s.last_seen = r.ts`,
      ),
      params,
    )

    const obs = ['ip', 'port', 'transport', 'scan_id', 'ts', ...CONTENT_COLUMNS]
    params = []
    const obsSrc = unnest(
      typed(obs),
      rows.map((r) => obs.map((n) => r[COL_INDEX[n as RowColumn]])),
      params,
    )
    return tx.run(
      `INSERT INTO observations (service_id, scan_id, ts, ${CONTENT_COLUMNS.join(', ')})
       SELECT s.id, r.scan_id, r.ts, ${CONTENT_COLUMNS.map((c) => `r.${c}`).join(', ')}
       FROM (${obsSrc}) AS r JOIN services s ON s.ip = r.ip AND s.port = r.port AND s.transport = r.transport
       ON CONFLICT (scan_id, service_id) DO NOTHING`,
      params,
    )
  }
}

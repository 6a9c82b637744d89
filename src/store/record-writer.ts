import { DETAIL_COLUMNS, SERVICE_STATE_COLUMNS } from './record-row.js'
import type { SqlDriver } from './sql-driver.js'

/**
 * How a dialect stores a chunk of record rows (ROW_COLUMNS order) inside an open transaction:
 * hosts and services upserted (the newest record decides a service's state), one observation per
 * (scan, service). Returns how many observations were new. Dialects differ in how rows travel
 * (SQLite: cached per-row statements; PostgreSQL: one statement per chunk with unnest).
 */
export interface RecordWriter {
  write(tx: SqlDriver, rows: readonly unknown[][]): Promise<number>
}

/**
 * The ON CONFLICT clause shared by both dialects: state follows the newer record, the seen-window
 * widens. `least`/`greatest` are the dialect's two-argument min/max.
 */
export function serviceConflictSql(least: string, greatest: string): string {
  const newer = 'excluded.last_seen >= services.last_seen'
  const sets = [...SERVICE_STATE_COLUMNS, 'last_scan_id'].map(
    (c) => `${c} = CASE WHEN ${newer} THEN excluded.${c} ELSE services.${c} END`,
  )
  return `ON CONFLICT (ip, port, transport) DO UPDATE SET ${sets.join(', ')},
    first_seen = ${least}(services.first_seen, excluded.first_seen),
    last_seen = ${greatest}(services.last_seen, excluded.last_seen)`
}

/** Upsert of service_details; writers send only rows that are their service's newest record. */
export function detailsUpsertSql(source: string): string {
  return `INSERT INTO service_details (service_id, ${DETAIL_COLUMNS.join(', ')}) ${source}
    ON CONFLICT (service_id) DO UPDATE SET ${DETAIL_COLUMNS.map((c) => `${c} = excluded.${c}`).join(', ')}`
}

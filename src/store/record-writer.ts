import type { ScanRecord } from '../core/record.js'
import type { SqlDriver } from './sql-driver.js'

/** Each scan id of a chunk with its number in `scans` (observations and seen-windows keep the number). */
export type ScanNumbers = ReadonlyMap<string, number>

/**
 * How a dialect stores a chunk of records (as recordToRow rows) inside an open transaction:
 * hosts upserted, each distinct content stored once (keyed by its hash), services created or moved to
 * the newest record's content, their seen-window widened, one observation per (scan, service).
 * Returns how many observations were new. Dialects differ in how rows travel (SQLite: cached
 * per-row statements; PostgreSQL: one statement per table per chunk with unnest).
 */
export interface RecordWriter {
  write(tx: SqlDriver, records: readonly ScanRecord[], scans: ScanNumbers): Promise<number>
}

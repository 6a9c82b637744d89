import {
  COL_INDEX,
  CONTENT_COLUMNS,
  DETAIL_COLUMNS,
  type RowColumn,
  SERVICE_STATE_COLUMNS,
} from '../../record-row.js'
import { detailsUpsertSql, type RecordWriter, serviceConflictSql } from '../../record-writer.js'
import type { SqliteDriver } from './sqlite-driver.js'

const SERVICE_INSERT = ['ip', 'ip_num', 'port', 'transport', ...SERVICE_STATE_COLUMNS] as const
const OBS_VALUES = ['scan_id', 'ts', ...CONTENT_COLUMNS] as const
const marks = (n: number) => Array.from({ length: n }, () => '?').join(', ')

/**
 * Per-row cached statements: with better-sqlite3 they beat any multi-row form (no JSON or VALUES
 * parsing). A service seen again unchanged (same content hash) costs one small UPDATE.
 */
export class SqliteRecordWriter implements RecordWriter {
  readonly #db: SqliteDriver

  constructor(db: SqliteDriver) {
    this.#db = db
  }

  async write(_tx: unknown, rows: readonly unknown[][]): Promise<number> {
    const db = this.#db
    const seen = db.prepare(
      `UPDATE services SET first_seen = min(first_seen, ?), last_seen = max(last_seen, ?),
         last_scan_id = CASE WHEN ? >= last_seen THEN ? ELSE last_scan_id END
       WHERE ip = ? AND port = ? AND transport = ? AND content_hash = ? RETURNING id`,
    )
    const upsert = db.prepare(
      `INSERT INTO services (${SERVICE_INSERT.join(', ')}, first_seen, last_seen, last_scan_id)
       VALUES (${marks(SERVICE_INSERT.length + 3)}) ${serviceConflictSql('min', 'max')} RETURNING id, last_seen`,
    )
    const details = db.prepare(detailsUpsertSql(`VALUES (${marks(DETAIL_COLUMNS.length + 1)})`))
    const observe = db.prepare(
      `INSERT INTO observations (service_id, ${OBS_VALUES.join(', ')}) VALUES (${marks(OBS_VALUES.length + 1)})
       ON CONFLICT (scan_id, service_id) DO NOTHING`,
    )
    const host = db.prepare(
      `INSERT INTO hosts (ip, ip_num, first_seen, last_seen) VALUES (?, ?, ?, ?)
       ON CONFLICT (ip) DO UPDATE SET first_seen = min(hosts.first_seen, excluded.first_seen),
         last_seen = max(hosts.last_seen, excluded.last_seen)`,
    )
    const at = (r: readonly unknown[], c: RowColumn) => r[COL_INDEX[c]]
    let stored = 0
    let lastIp: unknown
    for (const r of rows) {
      const ts = at(r, 'ts')
      const ip = at(r, 'ip')
      // chunks arrive grouped by host, so consecutive duplicates are the common case to skip
      if (ip !== lastIp) host.run(ip, at(r, 'ip_num'), ts, ts)
      lastIp = ip
      const hit = seen.get(
        ts,
        ts,
        ts,
        at(r, 'scan_id'),
        ip,
        at(r, 'port'),
        at(r, 'transport'),
        at(r, 'content_hash'),
      ) as { id: number } | undefined
      let id = hit?.id
      if (id === undefined) {
        const svc = upsert.get(...SERVICE_INSERT.map((c) => at(r, c)), ts, ts, at(r, 'scan_id')) as {
          id: number
          last_seen: string
        }
        id = svc.id
        // an older record arriving late adds history, not state
        if (svc.last_seen === ts) details.run(id, ...DETAIL_COLUMNS.map((c) => at(r, c)))
      }
      stored += observe.run(id, ...OBS_VALUES.map((c) => at(r, c))).changes
    }
    return stored
  }
}

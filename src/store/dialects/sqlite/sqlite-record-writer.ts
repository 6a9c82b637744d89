import type Database from 'better-sqlite3'
import type { ScanRecord } from '../../../core/record.js'
import {
  COL_INDEX,
  CONTENT_COLUMNS,
  recordToRow,
  SERVICE_STATE_COLUMNS,
  searchText,
} from '../../record-row.js'
import type { RecordWriter } from '../../record-writer.js'
import type { SqliteDriver } from './sqlite-driver.js'

const marks = (n: number) => Array.from({ length: n }, () => '?').join(', ')
const STATE_INDEXES = SERVICE_STATE_COLUMNS.map((c) => COL_INDEX[c])
const CONTENT_INDEXES = CONTENT_COLUMNS.map((c) => COL_INDEX[c])
const { ip: IP, ip_num: IP_NUM, port: PORT, transport: TRANSPORT, scan_id: SCAN, ts: TS } = COL_INDEX
const HASH = COL_INDEX.content_hash

/**
 * Per-row cached statements: with better-sqlite3 they beat any multi-row form (no JSON or VALUES
 * parsing). The common case, a service seen again unchanged, costs one update of its narrow
 * seen-window row and one slim observation; contents and services are written only on change.
 */
export class SqliteRecordWriter implements RecordWriter {
  readonly #db: SqliteDriver

  constructor(db: SqliteDriver) {
    this.#db = db
  }

  async write(_tx: unknown, records: readonly ScanRecord[]): Promise<number> {
    const db = this.#db
    // the services key index gives the id without reading the wide services row; the seen row says the rest
    const find = db
      .prepare(
        `SELECT e.service_id, e.content_hash, e.content_id, e.last_seen FROM services s
         JOIN service_seen e ON e.service_id = s.id WHERE s.ip = ? AND s.port = ? AND s.transport = ?`,
      )
      .raw(true)
    const widen = db.prepare(
      `UPDATE service_seen SET first_seen = min(first_seen, ?), last_seen = max(last_seen, ?),
         last_scan_id = CASE WHEN ? >= last_seen THEN ? ELSE last_scan_id END
       WHERE service_id = ?`,
    )
    const insertService = db.prepare(
      `INSERT INTO services (ip, ip_num, port, transport, ${SERVICE_STATE_COLUMNS.join(', ')}, content_id)
       VALUES (${marks(SERVICE_STATE_COLUMNS.length + 5)})`,
    )
    const insertSeen = db.prepare(
      `INSERT INTO service_seen (service_id, first_seen, last_seen, last_scan_id, content_hash, content_id)
       VALUES (${marks(6)})`,
    )
    const updateState = db.prepare(
      `UPDATE services SET ${SERVICE_STATE_COLUMNS.map((c) => `${c} = ?`).join(', ')}, content_id = ?
       WHERE id = ?`,
    )
    const updateSeenContent = db.prepare(
      'UPDATE service_seen SET content_hash = ?, content_id = ? WHERE service_id = ?',
    )
    const observe = db.prepare(
      `INSERT INTO observations (service_id, scan_id, ts, content_id) VALUES (?, ?, ?, ?)
       ON CONFLICT (scan_id, service_id) DO NOTHING`,
    )
    const host = db.prepare('INSERT INTO hosts (ip, ip_num) VALUES (?, ?) ON CONFLICT (ip) DO NOTHING')
    const content = new ContentWriter(db)
    let stored = 0
    // one row at a time: each row is garbage before the next is built, so it dies young
    for (const record of records) {
      const r = recordToRow(record)
      const ts = r[TS]
      const ip = r[IP]
      const port = r[PORT]
      const transport = r[TRANSPORT]
      const scan = r[SCAN]
      const hash = r[HASH]
      const found = find.get(ip, port, transport) as [number, string, number, string] | undefined
      let id: number
      let contentId: number
      if (found === undefined) {
        host.run(ip, r[IP_NUM])
        contentId = content.idOf(r)
        id = Number(
          insertService.run(ip, r[IP_NUM], port, transport, ...STATE_INDEXES.map((i) => r[i]), contentId)
            .lastInsertRowid,
        )
        insertSeen.run(id, ts, ts, scan, hash, contentId)
      } else {
        const [seenId, seenHash, seenContent, lastSeen] = found
        id = seenId
        widen.run(ts, ts, ts, scan, id)
        if (seenHash === hash) contentId = seenContent
        else {
          contentId = content.idOf(r)
          // an older record arriving late adds history, not state
          if ((ts as string) >= lastSeen) {
            updateState.run(...STATE_INDEXES.map((i) => r[i]), contentId, id)
            updateSeenContent.run(hash, contentId, id)
          }
        }
      }
      stored += observe.run(id, scan, ts, contentId).changes
    }
    return stored
  }
}

/** Finds or adds the `contents` row of a record's content hash; a new content is indexed for full text. */
class ContentWriter {
  readonly #insert: Database.Statement
  readonly #find: Database.Statement
  readonly #index: Database.Statement

  constructor(db: SqliteDriver) {
    this.#insert = db.prepare(
      `INSERT INTO contents (hash, ${CONTENT_COLUMNS.join(', ')}) VALUES (${marks(CONTENT_COLUMNS.length + 1)})
       ON CONFLICT (hash) DO NOTHING`,
    )
    this.#find = db.prepare('SELECT id FROM contents WHERE hash = ?').pluck(true)
    this.#index = db.prepare('INSERT INTO contents_fts (rowid, text) VALUES (?, ?)')
  }

  idOf(r: readonly unknown[]): number {
    const added = this.#insert.run(r[HASH], ...CONTENT_INDEXES.map((i) => r[i]))
    if (added.changes === 0) return this.#find.get(r[HASH]) as number
    const id = Number(added.lastInsertRowid)
    this.#index.run(id, searchText(r))
    return id
  }
}

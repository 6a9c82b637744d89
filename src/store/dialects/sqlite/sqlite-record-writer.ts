import type Database from 'better-sqlite3'
import { parseDottedIPv4 } from '../../../core/ipv4.js'
import type { ScanRecord } from '../../../core/record.js'
import {
  COL_INDEX,
  CONTENT_COLUMNS,
  contentHash,
  recordToRow,
  SERVICE_STATE_COLUMNS,
  searchText,
  serviceKey,
  timeMs,
} from '../../record-row.js'
import type { RecordWriter, ScanNumbers } from '../../record-writer.js'
import type { SqliteDriver } from './sqlite-driver.js'

const marks = (n: number) => Array.from({ length: n }, () => '?').join(', ')
const STATE_INDEXES = SERVICE_STATE_COLUMNS.map((c) => COL_INDEX[c])
const CONTENT_INDEXES = CONTENT_COLUMNS.map((c) => COL_INDEX[c])
const SERVICE_KEY_INDEXES = (['service_key', 'ip', 'port', 'transport'] as const).map((c) => COL_INDEX[c])
const { ip: IP, ip_num: IP_NUM, content_hash: HASH } = COL_INDEX

/**
 * Per-row cached statements: with better-sqlite3 they beat any multi-row form (no JSON or VALUES
 * parsing). The common case, a service seen again unchanged, costs two statements: a slim
 * observation copied from the service's seen-window row, and that narrow row widened (a trigger
 * doing the widening measured slower). Contents and services are written only on change.
 * These statements are prepared once and run per row with positional values (not the sql`` builder,
 * which would rebuild the text per row, nor named `@ts` values, which measured 16-20 % slower
 * ingest); each `.run(...)` lists its values in the statement's order, beside the statement.
 */
export class SqliteRecordWriter implements RecordWriter {
  readonly #db: SqliteDriver

  constructor(db: SqliteDriver) {
    this.#db = db
  }

  async write(_tx: unknown, records: readonly ScanRecord[], scans: ScanNumbers): Promise<number> {
    const db = this.#db
    // what the service showed last and when it was last seen; its id is its key
    const find = db
      .prepare('SELECT content_hash, content_id, last_seen FROM service_seen WHERE service_id = ?')
      .raw(true)
    const widen = db.prepare(
      `UPDATE service_seen SET first_seen = min(first_seen, ?), last_seen = max(last_seen, ?),
         last_scan = CASE WHEN ? >= last_seen THEN ? ELSE last_scan END
       WHERE service_id = ?`,
    )
    const insertService = db.prepare(
      `INSERT INTO services (id, ip, port, transport, ${SERVICE_STATE_COLUMNS.join(', ')},
         content_id) VALUES (${marks(SERVICE_STATE_COLUMNS.length + 5)})`,
    )
    const insertSeen = db.prepare(
      `INSERT INTO service_seen (service_id, first_seen, last_seen, last_scan, content_hash, content_id)
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
      `INSERT INTO observations (scan, service_id, ts, content_id) VALUES (?, ?, ?, ?)
       ON CONFLICT (scan, service_id) DO NOTHING`,
    )
    // the common case in one statement: a known service showing what it showed last
    const observeUnchanged = db.prepare(
      `INSERT INTO observations (scan, service_id, ts, content_id)
       SELECT ?, service_id, ?, content_id FROM service_seen WHERE service_id = ? AND content_hash = ?
       ON CONFLICT (scan, service_id) DO NOTHING`,
    )
    const host = db.prepare('INSERT INTO hosts (ip, ip_num) VALUES (?, ?) ON CONFLICT (ip) DO NOTHING')
    const contents = new ContentWriter(db)
    let stored = 0
    let lastHost: unknown
    // one record at a time, and the full row only off the common path: garbage dies young
    for (const record of records) {
      const hash = contentHash(record)
      const id = serviceKey(parseDottedIPv4(record.ip) as number, record.port, record.transport)
      const ts = timeMs(record.timestamp)
      const scan = scans.get(record.scan_id) as number
      if (observeUnchanged.run(scan, ts, id, hash).changes === 1) {
        widen.run(ts, ts, ts, scan, id)
        stored++
        continue
      }
      // a new service, a changed one, or a repeat within one scan
      const found = find.get(id) as [string, number, number] | undefined
      let contentId: number
      if (found === undefined) {
        const r = recordToRow(record, hash)
        // a host's services usually arrive together: its row is written once
        if (r[IP] !== lastHost) host.run(r[IP], r[IP_NUM])
        lastHost = r[IP]
        contentId = contents.idOf(r)
        insertService.run(
          ...SERVICE_KEY_INDEXES.map((i) => r[i]),
          ...STATE_INDEXES.map((i) => r[i]),
          contentId,
        )
        insertSeen.run(id, ts, ts, scan, hash, contentId)
      } else {
        const [seenHash, seenContent, lastSeen] = found
        widen.run(ts, ts, ts, scan, id)
        if (seenHash === hash) contentId = seenContent
        else {
          const r = recordToRow(record, hash)
          contentId = contents.idOf(r)
          // an older record arriving late adds history, not state
          if (ts >= lastSeen) {
            updateState.run(...STATE_INDEXES.map((i) => r[i]), contentId, id)
            updateSeenContent.run(hash, contentId, id)
          }
        }
      }
      stored += observe.run(scan, id, ts, contentId).changes
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
      `INSERT INTO contents (hash, ${CONTENT_COLUMNS.join(', ')}) VALUES (${marks(CONTENT_COLUMNS.length + 1)})`,
    )
    this.#find = db.prepare('SELECT id FROM contents WHERE hash = ?').pluck(true)
    this.#index = db.prepare('INSERT INTO contents_fts (rowid, text) VALUES (?, ?)')
  }

  idOf(r: readonly unknown[]): number {
    // looked up first: most contents are shared (many devices show the same banner)
    const known = this.#find.get(r[HASH]) as number | undefined
    if (known !== undefined) return known
    const id = Number(this.#insert.run(r[HASH], ...CONTENT_INDEXES.map((i) => r[i])).lastInsertRowid)
    this.#index.run(id, searchText(r))
    return id
  }
}

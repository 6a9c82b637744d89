import Database from 'better-sqlite3'
import type { Sql } from '../../sql.js'
import type { SqlDriver } from '../../sql-driver.js'

/** better-sqlite3 binds positional `?` parameters in order. */
export const sqlitePlaceholder = (): string => '?'

/**
 * better-sqlite3 behind the async driver contract. Statements are cached; WAL with
 * synchronous=NORMAL keeps every committed transaction across a process kill.
 */
export class SqliteDriver implements SqlDriver {
  readonly #db: Database.Database
  readonly #cache = new Map<string, Database.Statement>()

  constructor(file: string) {
    this.#db = new Database(file)
    this.#db.pragma('journal_mode = WAL')
    this.#db.pragma('synchronous = NORMAL')
    this.#db.pragma('foreign_keys = ON')
    this.#db.pragma('busy_timeout = 5000')
    this.#db.pragma('cache_size = -65536')
    // checkpoints every 64 MiB of WAL rather than 4 MiB: bulk ingest rewrites the same pages less often
    this.#db.pragma('wal_autocheckpoint = 16384')
    // SQLite's advice for long-lived connections: refresh planner statistics where they are stale
    this.#db.pragma('optimize = 0x10002')
  }

  /** A cached prepared statement, for writers that run many rows through one statement. */
  prepare(sql: string): Database.Statement {
    let stmt = this.#cache.get(sql)
    if (!stmt) {
      stmt = this.#db.prepare(sql)
      if (this.#cache.size > 500) this.#cache.clear()
      this.#cache.set(sql, stmt)
    }
    return stmt
  }

  async all<T>(query: Sql): Promise<T[]> {
    const { text, values } = query.compile(sqlitePlaceholder)
    return this.prepare(text).all(...values) as T[]
  }

  async run(query: Sql): Promise<number> {
    const { text, values } = query.compile(sqlitePlaceholder)
    return this.prepare(text).run(...values).changes
  }

  async exec(sql: string): Promise<void> {
    this.#db.exec(sql)
  }

  async transaction<T>(fn: (tx: SqlDriver) => Promise<T>): Promise<T> {
    // better-sqlite3 is synchronous, so nothing else runs on this connection between BEGIN and COMMIT
    // as long as callers do not interleave transactions (the store serialises its writes).
    this.#db.exec('BEGIN IMMEDIATE')
    try {
      const result = await fn(this)
      this.#db.exec('COMMIT')
      return result
    } catch (err) {
      if (this.#db.inTransaction) this.#db.exec('ROLLBACK')
      throw err
    }
  }

  async close(): Promise<void> {
    if (this.#db.open) this.#db.pragma('optimize')
    this.#db.close()
  }
}

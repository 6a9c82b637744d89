import type { Dialect } from '../../dialect.js'
import { SqliteDriver } from './sqlite-driver.js'
import { sqliteMigrations } from './sqlite-migrations.js'
import { SqliteQueryCompiler } from './sqlite-query-compiler.js'
import { SqliteRecordWriter } from './sqlite-record-writer.js'

/**
 * The embedded default: one SQLite file (better-sqlite3), WAL mode, FTS5 for banner words.
 *
 * @example new SqliteDialect('mamori.db')  // or ':memory:'
 */
export class SqliteDialect implements Dialect {
  readonly name = 'sqlite'
  readonly driver: SqliteDriver
  readonly compiler = new SqliteQueryCompiler()
  readonly migrations = sqliteMigrations
  readonly analyzeSql = 'ANALYZE'
  readonly writer: SqliteRecordWriter

  constructor(file: string) {
    this.driver = new SqliteDriver(file)
    this.writer = new SqliteRecordWriter(this.driver)
  }

  least(a: string, b: string): string {
    return `min(${a}, ${b})`
  }

  greatest(a: string, b: string): string {
    return `max(${a}, ${b})`
  }
}

import type { BulkColumn, Dialect } from '../../dialect.js'
import type { Params } from '../../query-compiler.js'
import { SqliteDriver } from './sqlite-driver.js'
import { sqliteMigrations } from './sqlite-migrations.js'
import { SqliteQueryCompiler } from './sqlite-query-compiler.js'

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

  constructor(file: string) {
    this.driver = new SqliteDriver(file)
  }

  // A batch travels as one JSON array of arrays: one bound parameter whatever the batch size.
  rowsSource(columns: readonly BulkColumn[], rows: readonly unknown[][], params: Params): string {
    const cols = columns.map(([name], i) => `value ->> ${i} AS ${name}`).join(', ')
    return `SELECT ${cols} FROM json_each(${params.add(JSON.stringify(rows))})`
  }

  least(a: string, b: string): string {
    return `min(${a}, ${b})`
  }

  greatest(a: string, b: string): string {
    return `max(${a}, ${b})`
  }
}

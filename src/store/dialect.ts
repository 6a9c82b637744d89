import type { Params, QueryCompiler } from './query-compiler.js'
import type { SqlDriver } from './sql-driver.js'

/** A column of rows sent in bulk: name and PostgreSQL type. */
export type BulkColumn = readonly [name: string, type: string]

/** What differs between databases: the connection, the compiler, the DDL and a few SQL spellings. */
export interface Dialect {
  readonly name: 'sqlite' | 'postgres'
  readonly driver: SqlDriver
  readonly compiler: QueryCompiler
  /** Schema versions in order; version N is migrations[N - 1]. Never edit a released one: add one. */
  readonly migrations: readonly string[]
  /** A SELECT yielding `rows` as a table with `columns`, from one or few parameters. */
  rowsSource(columns: readonly BulkColumn[], rows: readonly unknown[][], params: Params): string
  /** SQL for the smaller / larger of two values. */
  least(a: string, b: string): string
  greatest(a: string, b: string): string
}

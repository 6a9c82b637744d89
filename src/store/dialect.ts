import type { QueryCompiler } from './query-compiler.js'
import type { RecordWriter } from './record-writer.js'
import type { SqlDriver } from './sql-driver.js'

/** What differs between databases: the connection, the compiler, the DDL and a few SQL spellings. */
export interface Dialect {
  readonly name: 'sqlite' | 'postgres'
  readonly driver: SqlDriver
  readonly compiler: QueryCompiler
  /** Schema versions in order; version N is migrations[N - 1]. Never edit a released one: add one. */
  readonly migrations: readonly string[]
  /** Statement that refreshes planner statistics. */
  readonly analyzeSql: string
  /** How record rows are written in bulk. */
  readonly writer: RecordWriter
  /** SQL for the smaller / larger of two values. */
  least(a: string, b: string): string
  greatest(a: string, b: string): string
}

import type { BulkColumn, Dialect } from '../../dialect.js'
import type { Params } from '../../query-compiler.js'
import { PostgresDriver } from './postgres-driver.js'
import { postgresMigrations } from './postgres-migrations.js'
import { PostgresQueryCompiler } from './postgres-query-compiler.js'

/**
 * PostgreSQL (pg): for many workers and large stores. Full text through a generated tsvector.
 *
 * @example new PostgresDialect('postgres://root@127.0.0.1:5432/test', 'mamori')
 */
export class PostgresDialect implements Dialect {
  readonly name = 'postgres'
  readonly driver: PostgresDriver
  readonly compiler = new PostgresQueryCompiler()
  readonly migrations = postgresMigrations

  constructor(url: string, schema?: string) {
    this.driver = new PostgresDriver(url, schema)
  }

  // One array parameter per column, zipped by unnest: the usual bulk path without COPY.
  rowsSource(columns: readonly BulkColumn[], rows: readonly unknown[][], params: Params): string {
    const arrays = columns.map(([, type], i) => `${params.add(rows.map((r) => r[i]))}::${type}[]`)
    return `SELECT * FROM unnest(${arrays.join(', ')}) AS t(${columns.map(([name]) => name).join(', ')})`
  }

  least(a: string, b: string): string {
    return `least(${a}, ${b})`
  }

  greatest(a: string, b: string): string {
    return `greatest(${a}, ${b})`
  }
}

import type { Dialect } from '../../dialect.js'
import { PostgresDriver } from './postgres-driver.js'
import { postgresMigrations } from './postgres-migrations.js'
import { PostgresQueryCompiler } from './postgres-query-compiler.js'
import { PostgresRecordWriter } from './postgres-record-writer.js'

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
  // upserts leave a dead row version per update: reclaim them as well as refreshing statistics
  readonly analyzeSql = 'VACUUM (ANALYZE)'
  readonly writer = new PostgresRecordWriter()

  constructor(url: string, schema?: string) {
    this.driver = new PostgresDriver(url, schema)
  }

  least(a: string, b: string): string {
    return `least(${a}, ${b})`
  }

  greatest(a: string, b: string): string {
    return `greatest(${a}, ${b})`
  }
}

import type { Sql } from './sql.js'

/** The little a store needs from a database connection; each dialect provides one. */
export interface SqlDriver {
  all<T = Record<string, unknown>>(query: Sql): Promise<T[]>
  /** Runs a statement and returns how many rows it changed. */
  run(query: Sql): Promise<number>
  /** Runs several statements without parameters (DDL). */
  exec(sql: string): Promise<void>
  /** Runs `fn` in one transaction on one connection: all of it is stored, or none. */
  transaction<T>(fn: (tx: SqlDriver) => Promise<T>): Promise<T>
  close(): Promise<void>
}

/** Runs a write after the store's other writes (one connection, one transaction at a time). */
export type Serial = <T>(fn: () => Promise<T>) => Promise<T>

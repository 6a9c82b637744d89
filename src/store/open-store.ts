import { MamoriError } from '../core/errors.js'
import type { Dialect } from './dialect.js'
import { PostgresDialect } from './dialects/postgres/postgres-dialect.js'
import { SqliteDialect } from './dialects/sqlite/sqlite-dialect.js'
import { SqlStore } from './sql-store.js'
import type { Store } from './store.js'

/** Where the CLI's store is when `--db` is not given. */
export function defaultStoreSpec(env: NodeJS.ProcessEnv = process.env): string {
  return env.MAMORI_DB || './mamori.db'
}

/**
 * Opens a store from what the user wrote: `postgres://user@host/db[?schema=name]` (or
 * `postgresql://`) selects PostgreSQL, anything else is a SQLite file path (`:memory:` works).
 * Throws ERR_STORE when the database cannot be opened.
 */
export async function openStore(spec: string): Promise<Store> {
  return SqlStore.open(dialectFor(spec))
}

/** The dialect a store spec names, connected; stores over other tables (sensors) share it. */
export function dialectFor(spec: string): Dialect {
  if (/^postgres(ql)?:\/\//i.test(spec)) {
    let url: URL
    try {
      url = new URL(spec)
    } catch {
      throw new MamoriError('ERR_USAGE', 'the PostgreSQL URL is malformed')
    }
    const schema = url.searchParams.get('schema') ?? undefined
    if (schema !== undefined && !/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(schema)) {
      throw new MamoriError('ERR_USAGE', `"${schema}" is not a plain schema name`)
    }
    url.searchParams.delete('schema')
    return new PostgresDialect(url.toString(), schema)
  }
  try {
    return new SqliteDialect(spec)
  } catch (err) {
    throw new MamoriError('ERR_STORE', `cannot open ${spec}: ${(err as Error).message}`, { cause: err })
  }
}

/** Opens the store, runs `fn`, and closes the store whatever happens. */
export async function withStore<T>(spec: string | undefined, fn: (store: Store) => Promise<T>): Promise<T> {
  const store = await openStore(spec ?? defaultStoreSpec())
  try {
    return await fn(store)
  } finally {
    await store.close()
  }
}

/** A non-negative integer CLI option, or ERR_USAGE naming the option. */
export function intOption(name: string, value: string, max: number): number {
  if (!/^\d{1,9}$/.test(value) || Number(value) > max) {
    throw new MamoriError('ERR_USAGE', `${name} must be a whole number from 0 to ${max}`)
  }
  return Number(value)
}

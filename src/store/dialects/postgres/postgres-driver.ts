import pg from 'pg'
import type { Sql } from '../../sql.js'
import type { SqlDriver } from '../../sql-driver.js'

/** pg numbers its parameters: `$1`, `$2`, ... */
export const postgresPlaceholder = (n: number): string => `$${n}`

// COUNT(*) and BIGINT columns come back as strings by default; our values fit in a double.
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === 20
      ? (v: string) => Number(v)
      : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
}

type Queryable = pg.Pool | pg.PoolClient

class PgSession implements SqlDriver {
  constructor(protected readonly conn: Queryable) {}

  async all<T>(query: Sql): Promise<T[]> {
    return (await this.conn.query(query.compile(postgresPlaceholder))).rows as T[]
  }

  async run(query: Sql): Promise<number> {
    return (await this.conn.query(query.compile(postgresPlaceholder))).rowCount ?? 0
  }

  async exec(sql: string): Promise<void> {
    await this.conn.query(sql)
  }

  async transaction<T>(fn: (tx: SqlDriver) => Promise<T>): Promise<T> {
    return fn(this)
  }

  async close(): Promise<void> {}
}

/** A pg pool behind the driver contract; `schema` sets the search_path (tests use their own schema). */
export class PostgresDriver extends PgSession {
  readonly #pool: pg.Pool

  constructor(url: string, schema?: string) {
    const pool = new pg.Pool({
      connectionString: url,
      max: 4,
      types,
      ...(schema ? { options: `-c search_path=${schema}` } : {}),
    })
    super(pool)
    this.#pool = pool
  }

  override async transaction<T>(fn: (tx: SqlDriver) => Promise<T>): Promise<T> {
    const client = await this.#pool.connect()
    try {
      await client.query('BEGIN')
      const result = await fn(new PgSession(client))
      await client.query('COMMIT')
      return result
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined)
      throw err
    } finally {
      client.release()
    }
  }

  override async close(): Promise<void> {
    await this.#pool.end()
  }
}

import { randomBytes } from 'node:crypto'
import pg from 'pg'

/** The server the tests use; the CI script starts PostgreSQL there. */
export const PG_TEST_URL = process.env.MAMORI_PG_TEST_URL ?? 'postgres://postgres@127.0.0.1:5432/test'

/**
 * A schema of its own for one test file, dropped at the end, so concurrent runs never collide.
 * Resolves to undefined when PostgreSQL cannot be reached, unless CI is set: then it throws.
 */
export async function createTestSchema(): Promise<{ url: string; drop(): Promise<void> } | undefined> {
  const schema = `mamori_t_${randomBytes(6).toString('hex')}`
  const client = new pg.Client({ connectionString: PG_TEST_URL, connectionTimeoutMillis: 3000 })
  try {
    await client.connect()
    await client.query(`CREATE SCHEMA ${schema}`)
  } catch (err) {
    await client.end().catch(() => undefined)
    if (process.env.CI)
      throw new Error(`PostgreSQL at ${PG_TEST_URL} is required when CI is set`, { cause: err })
    return undefined
  }
  await client.end()
  return {
    url: `${PG_TEST_URL}?schema=${schema}`,
    async drop() {
      const c = new pg.Client(PG_TEST_URL)
      await c.connect()
      await c.query(`DROP SCHEMA ${schema} CASCADE`)
      await c.end()
    },
  }
}

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { postgresPlaceholder } from './dialects/postgres/postgres-driver.js'
import { sqlitePlaceholder } from './dialects/sqlite/sqlite-driver.js'
import { sql } from './sql.js'

test('every value stays beside its placeholder, however fragments nest', () => {
  const where = sql`a = ${1} AND ${sql`b IN (${sql.join(['x', 'y'])})`} AND c = ${null}`
  const q = sql`SELECT ${sql.raw('s.id')} FROM s WHERE ${where} LIMIT ${10}`
  assert.deepEqual(q.compile(sqlitePlaceholder), {
    text: 'SELECT s.id FROM s WHERE a = ? AND b IN (?, ?) AND c = ? LIMIT ?',
    values: [1, 'x', 'y', null, 10],
  })
  assert.deepEqual(q.compile(postgresPlaceholder), {
    text: 'SELECT s.id FROM s WHERE a = $1 AND b IN ($2, $3) AND c = $4 LIMIT $5',
    values: [1, 'x', 'y', null, 10],
  })
})

test('a value is never text: quotes and SQL in a value stay a parameter; arrays are one parameter', () => {
  const hostile = "x'; DROP TABLE hosts; --"
  const q = sql`SELECT 1 WHERE v = ${hostile} AND w = ANY(${['a', 'b']}::text[])`
  assert.deepEqual(q.compile(postgresPlaceholder), {
    text: 'SELECT 1 WHERE v = $1 AND w = ANY($2::text[])',
    values: [hostile, ['a', 'b']],
  })
  assert.deepEqual(sql.join([]).compile(sqlitePlaceholder), { text: '', values: [] })
  assert.deepEqual(sql.join([sql.raw('a'), sql.raw('b')], ' OR ').compile(sqlitePlaceholder), {
    text: 'a OR b',
    values: [],
  })
})

import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { parseQuery } from '../query/parser.js'
import { postgresPlaceholder } from './dialects/postgres/postgres-driver.js'
import { PostgresQueryCompiler } from './dialects/postgres/postgres-query-compiler.js'
import { sqlitePlaceholder } from './dialects/sqlite/sqlite-driver.js'
import { SqliteQueryCompiler } from './dialects/sqlite/sqlite-query-compiler.js'

const sqlite = new SqliteQueryCompiler()
const postgres = new PostgresQueryCompiler()
// 127.16.0.0/16 is addresses 2131755008..2131820543; a service's id is address × 2^17 + port × 2 + udp
const NET_AND_PORTS = [2131755008 * 2 ** 17, 2131820543 * 2 ** 17 + 2 ** 17 - 1, 8000, 8099]

function compile(c: SqliteQueryCompiler | PostgresQueryCompiler, q: string) {
  const { text, values } = c
    .where(parseQuery(q))
    .compile(c instanceof SqliteQueryCompiler ? sqlitePlaceholder : postgresPlaceholder)
  return { sql: text, params: values }
}

type Expect = { sql: string; params: unknown[] }
const cases: [string, { sqlite: Expect; postgres: Expect }][] = [
  [
    'port:23,2323',
    {
      sqlite: { sql: '(s.port = ? OR s.port = ?)', params: [23, 2323] },
      postgres: { sql: '(s.port = $1 OR s.port = $2)', params: [23, 2323] },
    },
  ],
  [
    '-product:"BusyBox"',
    {
      sqlite: { sql: 'NOT coalesce((s.product = ? COLLATE NOCASE), 0)', params: ['busybox'] },
      postgres: { sql: 'NOT coalesce((lower(s.product) = $1), FALSE)', params: ['busybox'] },
    },
  ],
  [
    'net:127.16.0.0/16 port:8000-8099',
    {
      sqlite: {
        sql: 's.id BETWEEN ? AND ? AND s.port BETWEEN ? AND ?',
        params: NET_AND_PORTS,
      },
      postgres: {
        sql: 's.id BETWEEN $1 AND $2 AND s.port BETWEEN $3 AND $4',
        params: NET_AND_PORTS,
      },
    },
  ],
  [
    'after:2026-11-01 http.title:Login',
    {
      sqlite: {
        sql: 's.id IN (SELECT r.service_id FROM service_seen r WHERE r.last_seen >= ?) AND instr(lower(s.http_title), ?) > 0',
        params: [Date.UTC(2026, 10, 1), 'login'],
      },
      postgres: {
        sql: 's.id IN (SELECT r.service_id FROM service_seen r WHERE r.last_seen >= $1) AND strpos(lower(s.http_title), $2) > 0',
        params: [Date.UTC(2026, 10, 1), 'login'],
      },
    },
  ],
  [
    '"OpenSSH_7.4" -vuln:cve-2017-7921',
    {
      sqlite: {
        sql: 's.content_id IN (SELECT rowid FROM contents_fts WHERE contents_fts MATCH ?) AND NOT coalesce((s.id IN (SELECT r.service_id FROM vulns r WHERE r.vuln_id = ?)), 0)',
        params: ['"openssh 7 4"', 'CVE-2017-7921'],
      },
      postgres: {
        sql: "s.content_id IN (SELECT c.id FROM contents c WHERE c.search @@ phraseto_tsquery('simple', $1)) AND NOT coalesce((s.id IN (SELECT r.service_id FROM vulns r WHERE r.vuln_id = $2)), FALSE)",
        params: ['openssh 7 4', 'CVE-2017-7921'],
      },
    },
  ],
  [
    'kev:false',
    {
      sqlite: {
        sql: 'NOT coalesce((s.id IN (SELECT r.service_id FROM vulns r WHERE r.kev = ?)), 0)',
        params: [1],
      },
      postgres: {
        sql: 'NOT coalesce((s.id IN (SELECT r.service_id FROM vulns r WHERE r.kev = $1)), FALSE)',
        params: [1],
      },
    },
  ],
  ['', { sqlite: { sql: '1', params: [] }, postgres: { sql: 'TRUE', params: [] } }],
]

describe('query compilers', () => {
  for (const [q, want] of cases) {
    it(`compiles ${JSON.stringify(q)} for every dialect`, () => {
      assert.deepEqual(compile(sqlite, q), want.sqlite)
      assert.deepEqual(compile(postgres, q), want.postgres)
    })
  }
})

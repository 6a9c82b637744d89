import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import Database from 'better-sqlite3'
import pg from 'pg'
import type { ScanRecord } from '../core/record.js'
import { parseQuery } from '../query/parser.js'
import { createTestSchema, PG_TEST_URL } from './dialects/postgres/pg-test-database.js'
import { postgresMigrations } from './dialects/postgres/postgres-migrations.js'
import { sqliteMigrations } from './dialects/sqlite/sqlite-migrations.js'
import { openStore } from './open-store.js'

const T1 = '2026-10-01T00:00:00.000Z'
const T2 = '2026-10-08T00:00:00.000Z'
const q = (v: unknown) => (v === null ? 'NULL' : typeof v === 'number' ? String(v) : `'${String(v)}'`)

function telnet(banner: string, ts: string, scan: string): ScanRecord {
  return {
    ip: '127.30.9.1',
    port: 23,
    transport: 'tcp',
    protocol: 'telnet',
    timestamp: ts,
    scan_id: scan,
    status: 'success',
    banner,
    data: { telnet: { prompt: 'login:' } },
    fingerprint: { vendor: 'ZTE', product: 'ZXHN', version: banner.slice(-3), cpe: [] },
  }
}

/** A version-1 store as the previous release wrote it: one service seen by two scans, its banner changed. */
function v1Fixture(): string[] {
  const old = telnet('ZXHN login v1.0', T1, 'scan-1')
  const cur = telnet('ZXHN login v2.0', T2, 'scan-2')
  // v1's formula: md5 over the stored content columns
  const hash = createHash('md5')
    .update(
      [
        'telnet',
        'success',
        cur.banner,
        '',
        JSON.stringify(cur.data),
        JSON.stringify(cur.fingerprint),
        '',
        'ZTE',
        'ZXHN',
        '2.0',
        '',
        '',
      ].join('\u0000'),
    )
    .digest('base64')
  const svc = `(SELECT id FROM services WHERE ip = '127.30.9.1')`
  const observation = (r: ScanRecord) =>
    `INSERT INTO observations (service_id, scan_id, ts, protocol, status, banner, data, fingerprint, vendor, product, version)
     VALUES (${svc}, ${q(r.scan_id)}, ${q(r.timestamp)}, 'telnet', 'success', ${q(r.banner)}, ${q(JSON.stringify(r.data))},
       ${q(JSON.stringify(r.fingerprint))}, 'ZTE', 'ZXHN', ${q(r.fingerprint?.version)})`
  return [
    `INSERT INTO scans (id, started_at, finished_at) VALUES ('scan-1', '${T1}', '${T1}'), ('scan-2', '${T2}', '${T2}')`,
    `INSERT INTO hosts (ip, ip_num, first_seen, last_seen) VALUES ('127.30.9.1', 2132674817, '${T1}', '${T2}')`,
    `INSERT INTO services (ip, ip_num, port, transport, protocol, status, vendor, product, version, telnet_prompt,
       content_hash, first_seen, last_seen, last_scan_id)
     VALUES ('127.30.9.1', 2132674817, 23, 'tcp', 'telnet', 'success', 'ZTE', 'ZXHN', '2.0', 'login:', ${q(hash)},
       '${T1}', '${T2}', 'scan-2')`,
    `INSERT INTO service_details (service_id, banner, data, fingerprint, search_text)
     VALUES (${svc}, ${q(cur.banner)}, ${q(JSON.stringify(cur.data))}, ${q(JSON.stringify(cur.fingerprint))},
       'zxhn login v2 0')`,
    observation(old),
    observation(cur),
    `INSERT INTO vulns (service_id, vuln_id, cvss, kev) VALUES (${svc}, 'CVE-2014-9583', 9.8, 1)`,
    `INSERT INTO findings (service_id, type, severity, title)
     VALUES (${svc}, 'default-credentials', 'critical', 'default login accepted')`,
  ]
}

/** What a user must still find after the upgrade, and unchanged re-scans recognised as unchanged. */
async function checkUpgraded(url: string, contents: () => Promise<number>) {
  const store = await openStore(url)
  try {
    const [svc] = await store.search(parseQuery('vendor:ZTE'), { limit: 10 })
    assert.equal(svc?.banner, 'ZXHN login v2.0')
    assert.equal(svc?.first_seen, T1)
    assert.equal(svc?.last_seen, T2)
    assert.equal(svc?.scan_id, 'scan-2')
    assert.equal(await store.count(parseQuery('"login v2"')), 1, 'full text of the current banner')
    assert.equal(await store.count(parseQuery('after:2026-10-05')), 1)
    assert.equal(await store.count(parseQuery('scan:scan-1')), 1, 'observations keep their scan')
    // the service's id changed in the upgrade; its vulnerabilities and findings moved with it
    assert.equal(await store.count(parseQuery('vuln:CVE-2014-9583 kev:true')), 1)
    assert.deepEqual(
      svc?.findings?.map((f) => f.type),
      ['default-credentials'],
    )
    const host = await store.host('127.30.9.1')
    assert.deepEqual(
      host?.services[0]?.history.map((h) => [h.scan_id, h.banner, h.changed]),
      [
        ['scan-1', 'ZXHN login v1.0', []],
        ['scan-2', 'ZXHN login v2.0', ['banner', 'version']],
      ],
    )
    assert.deepEqual(
      (await store.diff('scan-1', 'scan-2')).map((d) => [d.change, d.fields]),
      [['changed', ['banner', 'version']]],
    )
    // the first record after the upgrade is stored under the new hash, once; history shows no change
    const T3 = '2026-10-15T00:00:00.000Z'
    const T4 = '2026-10-22T00:00:00.000Z'
    assert.equal((await store.ingest([telnet('ZXHN login v2.0', T3, 'scan-3')])).stored, 1)
    const afterFirst = await contents()
    assert.equal((await store.ingest([telnet('ZXHN login v2.0', T4, 'scan-4')])).stored, 1)
    assert.equal(await contents(), afterFirst, 'an unchanged service adds no content')
    const [again] = await store.search(parseQuery('vendor:ZTE'), { limit: 10 })
    assert.equal(again?.last_seen, T4)
    const history = (await store.host('127.30.9.1'))?.services[0]?.history
    assert.deepEqual(
      history?.map((h) => h.changed),
      [[], ['banner', 'version'], [], []],
    )
    assert.deepEqual(await store.diff('scan-2', 'scan-3'), [])
  } finally {
    await store.close()
  }
}

describe('store schema upgrade from version 1', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mamori-migrate-'))
  after(() => rmSync(dir, { recursive: true, force: true }))

  it('SQLite: keeps services, banners, history and full text, and recognises unchanged services', async () => {
    const file = join(dir, 'v1.db')
    const db = new Database(file)
    db.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)')
    db.exec(sqliteMigrations[0] as string)
    db.exec(`INSERT INTO schema_migrations VALUES (1, '${T1}')`)
    for (const sql of v1Fixture()) db.exec(sql)
    db.close()
    await checkUpgraded(file, async () => {
      const check = new Database(file, { readonly: true })
      const n = check.prepare('SELECT count(*) AS n FROM contents').get() as { n: number }
      check.close()
      return n.n
    })
  })

  it('PostgreSQL: the same', async (t) => {
    const schema = await createTestSchema()
    if (!schema) return t.skip('PostgreSQL unreachable (set CI to make this a failure)')
    const name = new URL(schema.url).searchParams.get('schema') as string
    const client = new pg.Client(PG_TEST_URL)
    await client.connect()
    try {
      await client.query(`SET search_path TO ${name}`)
      await client.query(
        'CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)',
      )
      await client.query(postgresMigrations[0] as string)
      await client.query(`INSERT INTO schema_migrations VALUES (1, '${T1}')`)
      for (const sql of v1Fixture()) await client.query(sql)
      await checkUpgraded(schema.url, async () =>
        Number((await client.query('SELECT count(*) AS n FROM contents')).rows[0].n),
      )
    } finally {
      await client.end()
      await schema.drop()
    }
  })
})

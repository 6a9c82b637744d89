import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { extname, join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { createTestSchema } from '../../store/dialects/postgres/pg-test-database.js'
import { loadBannerCorpus, recordFromBanner } from '../../store/testing/banner-corpus.js'

// The store commands end to end, through the real CLI entry point, on both store dialects.
const main = fileURLToPath(new URL(`../main${extname(fileURLToPath(import.meta.url))}`, import.meta.url))
const dir = mkdtempSync(join(tmpdir(), 'mamori-cli-store-'))
const pg = await createTestSchema()

function mamori(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [...process.execArgv, main, ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
    timeout: 30_000,
  })
  return { code: r.status, out: r.stdout, err: r.stderr, lines: r.stdout.split('\n').filter(Boolean) }
}

function writeScans(): string {
  const corpus = loadBannerCorpus()
  const pick = (pred: (b: (typeof corpus)[number]) => boolean) => corpus.find(pred) as (typeof corpus)[number]
  const telnet = pick((b) => b.protocol === 'telnet' && /login/i.test(b.banner))
  const ssh = pick((b) => b.protocol === 'ssh' && /dropbear/i.test(b.banner))
  const http = pick((b) => b.protocol === 'http' && !!b.fingerprint?.vendor)
  const lines = [
    recordFromBanner(telnet, '127.30.7.1', 'cli-a', '2026-11-01T00:00:00Z'),
    recordFromBanner(ssh, '127.30.7.2', 'cli-a', '2026-11-01T00:00:01Z'),
    recordFromBanner(telnet, '127.30.7.1', 'cli-b', '2026-11-10T00:00:00Z'),
    recordFromBanner(http, '127.30.7.3', 'cli-b', '2026-11-10T00:00:01Z'),
  ].map((r) => JSON.stringify(r))
  const file = join(dir, 'scans.jsonl')
  writeFileSync(file, `${lines.join('\n')}\n`)
  return file
}

function suite(name: string, db: () => string) {
  describe(`store commands (${name})`, () => {
    let file: string
    before(() => {
      file = writeScans()
    })

    it('import loads the file; a second import stores nothing', () => {
      const first = mamori(['import', file, '--db', db(), '--json'])
      assert.equal(first.code, 0, first.err)
      assert.deepEqual(JSON.parse(first.lines[0] as string), {
        file,
        lines: 4,
        stored: 4,
        duplicates: 0,
        bad: 0,
      })
      const again = mamori(['import', file, '--db', db(), '--json'])
      assert.equal(JSON.parse(again.lines[0] as string).duplicates, 4)
    })

    it('search prints JSON lines with first_seen/last_seen, CSV, and refuses bad queries with exit 2', () => {
      const r = mamori(['search', 'port:23', 'login', '--db', db(), '--json'])
      assert.equal(r.code, 0, r.err)
      assert.equal(r.lines.length, 1)
      const row = JSON.parse(r.lines[0] as string)
      assert.equal(row.ip, '127.30.7.1')
      assert.equal(row.first_seen, '2026-11-01T00:00:00.000Z')
      assert.equal(row.last_seen, '2026-11-10T00:00:00.000Z')
      const csv = mamori(['search', '--csv', '--db', db()])
      assert.equal(csv.out.split('\r\n').filter(Boolean).length, 4)
      const bad = mamori(['search', 'prot:23', '--db', db()])
      assert.equal(bad.code, 2)
      assert.match(bad.err, /unknown field "prot" at column 1; did you mean "port"\?/)
      const badNet = mamori(['search', 'net:300.1.1.1/8', '--db', db()])
      assert.equal(badNet.code, 2)
    })

    it('search --facets and stats count values with the total', () => {
      const r = mamori(['stats', '--facets', 'port,protocol:1', '--json', '--db', db()])
      assert.equal(r.code, 0, r.err)
      const s = JSON.parse(r.out)
      assert.equal(s.total, 3)
      assert.equal(s.facets[1].values.length, 1)
      const f = mamori(['search', 'scan:cli-b', '--facets', 'port', '--json', '--db', db()])
      assert.deepEqual(
        JSON.parse(f.out)
          .facets[0].values.map((v: { value: number }) => v.value)
          .sort(),
        [23, 80],
      )
      assert.equal(mamori(['stats', '--facets', 'banner', '--db', db()]).code, 2)
    })

    it('host, scans and diff', () => {
      const h = mamori(['host', '127.30.7.1', '--json', '--db', db()])
      assert.equal(h.code, 0, h.err)
      assert.deepEqual(
        JSON.parse(h.out).services[0].history.map((e: { scan_id: string }) => e.scan_id),
        ['cli-a', 'cli-b'],
      )
      assert.match(mamori(['host', '127.30.7.1', '--db', db()]).out, /cli-a/)
      assert.equal(mamori(['host', '127.30.7.99', '--db', db()]).code, 1)
      const scans = mamori(['scans', '--json', '--db', db()]).lines.map((l) => JSON.parse(l))
      assert.deepEqual(
        scans.map((s) => [s.id, s.records]),
        [
          ['cli-a', 2],
          ['cli-b', 2],
        ],
      )
      const d = mamori(['diff', 'cli-a', 'cli-b', '--json', '--db', db()]).lines.map((l) => JSON.parse(l))
      assert.deepEqual(
        d.map((e) => [e.change, e.ip]),
        [
          ['appeared', '127.30.7.3'],
          ['disappeared', '127.30.7.2'],
        ],
      )
      assert.equal(mamori(['diff', 'cli-a', 'nope', '--db', db()]).code, 1)
    })
  })
}

suite('sqlite', () => join(dir, 'cli.db'))
if (pg) {
  suite('postgres', () => pg.url)
  after(() => pg.drop())
}
after(() => rmSync(dir, { recursive: true, force: true }))

describe('store commands: bad input', () => {
  it('import reports bad lines with numbers, stores the good ones, exits 2', () => {
    const file = join(dir, 'bad.jsonl')
    const good = JSON.stringify(
      recordFromBanner(loadBannerCorpus()[0] as never, '127.30.8.1', 'bad-1', '2026-11-01T00:00:00Z'),
    )
    writeFileSync(file, `${good}\n{"ip":\nnot json\n`)
    const r = mamori(['import', file], { MAMORI_DB: join(dir, 'env.db') })
    assert.equal(r.code, 2)
    assert.match(r.err, /bad\.jsonl:2: not JSON/)
    assert.match(r.err, /bad\.jsonl:3: not JSON/)
    assert.equal(mamori(['search', '--json'], { MAMORI_DB: join(dir, 'env.db') }).lines.length, 1)
    assert.equal(mamori(['import', join(dir, 'missing.jsonl'), '--db', join(dir, 'env.db')]).code, 2)
  })

  it('a file that is not a database is a clear error, exit 1', () => {
    const notDb = join(dir, 'not.db')
    writeFileSync(notDb, 'this is not sqlite'.repeat(100))
    const r = mamori(['scans', '--db', notDb])
    assert.equal(r.code, 1)
    assert.match(r.err, /cannot open/)
  })
})

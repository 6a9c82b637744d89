import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { describe, it } from 'node:test'
import type { ScanRecord } from '../core/record.js'
import { MAX_BANNER } from '../core/record.js'
import { parseQuery } from '../query/parser.js'
import { runCli } from '../testing/cli-child.js'
import { importJsonl, MAX_LINE_BYTES } from './import-jsonl.js'
import { openStore } from './open-store.js'
import { loadBannerCorpus, recordFromBanner } from './testing/banner-corpus.js'

const good = (i: number, scan = 'imp-1'): ScanRecord =>
  recordFromBanner(loadBannerCorpus()[i] as never, `127.30.50.${i}`, scan, '2026-11-02T00:00:00Z')

describe('importJsonl', () => {
  it('stores good lines, reports bad ones by line number, never stores a record twice', async () => {
    const store = await openStore(':memory:')
    const g = [good(1), good(2), good(3), good(4)]
    const lines = [
      JSON.stringify(g[0]), // 1 good
      JSON.stringify(g[1]).slice(0, 40), // 2 truncated
      JSON.stringify({ ...g[2], port: '23' }), // 3 wrong type
      '', // 4 blank: skipped, not bad
      JSON.stringify(g[0]), // 5 duplicate of 1
      JSON.stringify({ ...g[2], banner: 'x'.repeat(MAX_BANNER + 1) }), // 6 huge banner
      JSON.stringify({ ...g[2], ip: '127.30.50.999' }), // 7 bad address
      '[1,2,3]', // 8 not an object
      JSON.stringify(g[2]), // 9 good
      `{"ip":"127.30.50.9","port":23,"transport":"tcp","protocol":"telnet","timestamp":"not a time","scan_id":"x","status":"success","banner":"","data":{}}`, // 10
      JSON.stringify(g[3]).replace(/^\{/, '{"__proto__":{"polluted":true},"constructor":"x",'), // 11 good (extra keys ignored)
      JSON.stringify(g[3]).slice(0, -1), // 12 truncated last line, no newline
    ]
    const r = await importJsonl(store, Readable.from([lines.join('\n')]))
    assert.deepEqual(
      r.bad.map((b) => b.line),
      [2, 3, 6, 7, 8, 10, 12],
    )
    assert.match(r.bad[1]?.error ?? '', /port/)
    assert.match(r.bad[2]?.error ?? '', /banner/)
    assert.match(r.bad[5]?.error ?? '', /timestamp/)
    assert.equal(r.lines, 12)
    assert.equal(r.stored, 3)
    assert.equal(r.duplicates, 1)
    assert.equal(await store.count(parseQuery('')), 3)
    assert.equal(({} as Record<string, unknown>).polluted, undefined)
    // importing the same file again stores nothing new
    const again = await importJsonl(store, Readable.from([lines.join('\n')]))
    assert.equal(again.stored, 0)
    assert.equal(await store.count(parseQuery('')), 3)
    await store.close()
  })

  it('refuses a time that is not ISO 8601 with a zone, even where Date.parse would guess one', async () => {
    const store = await openStore(':memory:')
    const times = ['1', 'Nov 1 2026', '2026-11-02', '2026-11-02T00:00:00', '2026-02-30T00:00:00Z']
    const lines = [
      ...times.map((timestamp) => JSON.stringify({ ...good(1), timestamp })),
      JSON.stringify({ ...good(2), timestamp: '2026-11-02T09:00:00.123456+09:00' }),
    ]
    const r = await importJsonl(store, Readable.from([lines.join('\n')]))
    assert.deepEqual(
      r.bad.map((b) => b.line),
      [1, 2, 3, 4, 5],
    )
    for (const b of r.bad) assert.match(b.error, /timestamp: not an ISO 8601 time with a zone/)
    assert.equal(r.stored, 1)
    const [row] = await store.search(parseQuery(''), { limit: 1 })
    assert.equal(row?.timestamp, '2026-11-02T00:00:00.123Z')
    await store.close()
  })

  it('keeps a vendor inferred by host fusion, marked as inferred', async () => {
    const store = await openStore(':memory:')
    const r = good(5)
    r.fingerprint = { vendor: 'Dahua', cpe: [], inferred: { fields: ['vendor'], from: 'tcp/80' } }
    await importJsonl(store, Readable.from([JSON.stringify(r)]))
    const [row] = await store.search(parseQuery('vendor:dahua'), { limit: 1 })
    assert.deepEqual(row?.fingerprint?.inferred, { fields: ['vendor'], from: 'tcp/80' })
    await store.close()
  })

  it('refuses an over-long line without buffering it, and keeps counting lines after it', async () => {
    const store = await openStore(':memory:')
    const huge = Buffer.alloc(MAX_LINE_BYTES + 10, 0x41)
    const r = await importJsonl(
      store,
      Readable.from([
        Buffer.from(`${JSON.stringify(good(5))}\r\n`),
        huge.subarray(0, 500_000),
        huge.subarray(500_000),
        Buffer.from(`\n${JSON.stringify(good(6))}\n`),
      ]),
    )
    assert.deepEqual(r.bad, [{ line: 2, error: `line is longer than ${MAX_LINE_BYTES} bytes` }])
    assert.equal(r.stored, 2)
    assert.equal(r.lines, 3)
    await store.close()
  })

  it('loads batches larger than one transaction chunk', async () => {
    const store = await openStore(':memory:')
    const corpus = loadBannerCorpus()
    const text = Array.from({ length: 12_000 }, (_, i) =>
      JSON.stringify(
        recordFromBanner(
          corpus[i % corpus.length] as never,
          `127.30.${100 + (i >> 8)}.${i & 255}`,
          'imp-big',
          '2026-11-03T00:00:00Z',
        ),
      ),
    ).join('\n')
    const r = await importJsonl(store, Readable.from([text]))
    assert.equal(r.stored, 12_000)
    assert.equal(r.badCount, 0)
    assert.equal(await store.count(parseQuery('scan:imp-big')), 12_000)
    await store.close()
  })

  it('`mamori import`: a line nested 5,000 levels deep is refused by line number, the 1,000 after it stored', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mamori-import-deep-'))
    try {
      const deep = JSON.stringify({ ...good(1, 'imp-deep'), data: 0 }).replace(
        '"data":0',
        `"data":${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`,
      )
      const rest = Array.from({ length: 1000 }, (_, i) =>
        JSON.stringify({ ...good(1 + (i % 8), 'imp-deep'), ip: `127.30.60.${i & 255}`, port: 1000 + i }),
      )
      const file = join(dir, 'deep.jsonl')
      writeFileSync(file, `${JSON.stringify(good(2, 'imp-deep'))}\n${deep}\n${rest.join('\n')}\n`)
      const db = join(dir, 'store.db')
      const r = await runCli(['import', '--db', db, file])
      assert.equal(r.code, 2)
      assert.equal(r.stderr, `${file}:2: too deeply nested (more than 64 levels of arrays and objects)\n`)
      assert.equal(r.stdout, `${file}: 1001 stored, 0 already there, 1 bad lines skipped\n`)
      const store = await openStore(db)
      assert.equal(await store.count(parseQuery('scan:imp-deep')), 1001)
      await store.close()
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { extname, join } from 'node:path'
import { after, describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import Database from 'better-sqlite3'
import { parseQuery } from '../query/parser.js'
import { openStore } from './open-store.js'
import { StoreSink } from './store-sink.js'
import { loadBannerCorpus, recordFromBanner } from './testing/banner-corpus.js'

const dir = mkdtempSync(join(tmpdir(), 'mamori-sink-'))
after(() => rmSync(dir, { recursive: true, force: true }))

describe('StoreSink', () => {
  it('commits in batches, writes the scan row at open and its end at close', async () => {
    const file = join(dir, 'sink.db')
    const sink = await StoreSink.open(file, { parameters: { ports: '23' } }, { batch: 3 })
    const corpus = loadBannerCorpus()
    for (let i = 0; i < 10; i++) {
      await sink.write(
        recordFromBanner(corpus[i] as never, `127.30.60.${i}`, 'sink-1', '2026-11-25T00:00:01Z'),
      )
    }
    await sink.close()
    const again = await openStore(file)
    assert.equal(await again.count(parseQuery('scan:sink-1')), 10)
    const [scan] = await again.scans()
    assert.equal(scan?.records, 10)
    assert.deepEqual(scan?.parameters, { ports: '23' })
    assert.equal(scan?.id, 'sink-1')
    assert.equal(scan?.id, 'sink-1')
    assert.ok(scan?.finished_at)
    await again.close()
  })

  it('a scan killed with SIGKILL leaves a consistent store holding every committed record', async () => {
    const file = join(dir, 'killed.db')
    const child = fileURLToPath(
      new URL(`./testing/sigkill-writer${extname(fileURLToPath(import.meta.url))}`, import.meta.url),
    )
    const proc = spawn(process.execPath, [...process.execArgv, child, file], {
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    let committed = 0
    await new Promise<void>((resolve, reject) => {
      const deadline = setTimeout(() => reject(new Error('writer never committed')), 20_000)
      proc.stdout.on('data', (chunk: Buffer) => {
        const m = chunk.toString().match(/committed (\d+)\n/g)
        if (m) committed = Number(m[m.length - 1]?.match(/\d+/)?.[0])
        if (committed >= 2000) {
          proc.kill('SIGKILL')
          clearTimeout(deadline)
          resolve()
        }
      })
      proc.on('exit', () => resolve())
    })
    await new Promise((r) => (proc.exitCode !== null || proc.signalCode ? r(null) : proc.once('exit', r)))
    assert.equal(proc.signalCode, 'SIGKILL')

    const raw = new Database(file)
    assert.equal(raw.pragma('integrity_check', { simple: true }), 'ok')
    raw.close()
    const store = await openStore(file)
    const stored = await store.count(parseQuery('scan:killed-scan'))
    assert.ok(stored >= committed, `stored ${stored} < committed ${committed}`)
    assert.equal(stored % 200, 0, 'only whole batches (transactions) are in the store')
    const [scan] = await store.scans()
    assert.equal(scan?.records, stored)
    assert.equal(await store.count(parseQuery('"record 1999"')), 1)
    await store.close()
  })
})

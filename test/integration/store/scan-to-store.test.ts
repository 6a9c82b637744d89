import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { runCli } from '../../../src/testing/cli-child.js'

// mamori scan --db, end to end: a real TCP peer on 127.30.98.1, two scans, then the store commands.
const dir = mkdtempSync(join(tmpdir(), 'mamori-scan-store-'))
const HOST = '127.30.98.1'
const PORT = 2323

function mamori(args: string[]) {
  return runCli(args, {
    env: { MAMORI_AUDIT_LOG: join(dir, 'audit.jsonl'), MAMORI_DB: join(dir, 'env.db') },
    timeoutMs: 60_000,
  })
}

describe('scan --db stores records with a scans row', () => {
  const banners = [
    'BusyBox v1.19.4 built-in shell\r\n(none) login: ',
    'BusyBox v1.31.1 built-in shell\r\n(none) login: ',
  ]
  let current = 0
  const server = createServer((c) => {
    c.on('error', () => undefined)
    c.write(banners[current] as string)
    setTimeout(() => c.destroy(), 2000).unref()
  })
  before(() => new Promise<void>((r) => server.listen(PORT, HOST, r)))
  after(() => {
    server.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('two scans, then scans, search, host and diff see them', async () => {
    const db = join(dir, 'scan.db')
    for (let i = 0; i < 2; i++) {
      current = i
      const r = await mamori(['scan', HOST, '--ports', String(PORT), '--db', db])
      assert.equal(r.code, 0, r.stderr)
    }
    const scans = (await mamori(['scans', '--json', '--db', db])).stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
    assert.equal(scans.length, 2)
    for (const s of scans) {
      assert.equal(s.records, 1)
      assert.ok(s.finished_at)
      assert.deepEqual(s.parameters.targets, [HOST])
    }
    const found = (await mamori(['search', 'port:2323', 'busybox', '--json', '--db', db])).stdout
      .trim()
      .split('\n')
    assert.equal(found.length, 1)
    assert.match(JSON.parse(found[0] as string).banner, /v1\.31\.1/)
    const diff = (await mamori(['diff', scans[0].id, scans[1].id, '--json', '--db', db])).stdout
      .trim()
      .split('\n')
    assert.deepEqual(JSON.parse(diff[0] as string).fields, ['banner'])
    // MAMORI_DB alone turns the store on
    assert.equal((await mamori(['scan', HOST, '--ports', String(PORT)])).code, 0)
    assert.equal((await mamori(['scans', '--json'])).stdout.trim().split('\n').length, 1)
  })
})

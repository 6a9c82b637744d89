import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, it } from 'node:test'
import { scanRecord } from '../testing/scan-record.js'
import { JsonlFileSink } from './jsonl-file-sink.js'

const dir = mkdtempSync(join(tmpdir(), 'mamori-jsonl-sink-'))
after(() => rmSync(dir, { recursive: true, force: true }))

it('many writers waiting on back-pressure share one drain: no listener warning, every line whole', async () => {
  const warnings: string[] = []
  const onWarning = (w: Error) => warnings.push(`${w.name}: ${w.message}`)
  process.on('warning', onWarning)
  try {
    const out = join(dir, 'load.jsonl')
    const sink = new JsonlFileSink(out)
    await sink.ready()
    // 64 KiB records: each write fills the stream's buffer, so every writer meets back-pressure
    const banner = 'x'.repeat(64 * 1024)
    const records = Array.from({ length: 200 }, (_, i) =>
      scanRecord({ ip: `127.33.9.${i & 255}`, port: 1000 + i, banner }),
    )
    await Promise.all(records.map((r) => sink.write(r)))
    await sink.close()
    await new Promise((r) => setImmediate(r)) // warnings are emitted on the next tick
    assert.deepEqual(warnings, [])
    const lines = readFileSync(out, 'utf8').trimEnd().split('\n')
    assert.deepEqual(
      lines.map((l) => JSON.parse(l).port),
      records.map((r) => r.port),
    )
  } finally {
    process.off('warning', onWarning)
  }
})

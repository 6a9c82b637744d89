import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import type { CaptureTruth } from '../../lab/pcap/synthetic-capture.js'
import { listInfectedSources } from '../../store/sensors/infected-sources.js'
import { openSensorStore } from '../../store/sensors/sql-sensor-store.js'
import { runCli } from '../../testing/cli-child.js'

const dir = mkdtempSync(join(tmpdir(), 'mamori-cli-darknet-'))

describe('mamori lab pcap + mamori darknet import', () => {
  it("finds the lab capture's Mirai bots, stores them once per file and merges a second import", async () => {
    const cap = join(dir, 'tele.pcapng.gz')
    const truthFile = join(dir, 'truth.json')
    const made = await runCli([
      'lab',
      'pcap',
      '--out',
      cap,
      '--seed',
      '9',
      '--packets',
      '30000',
      '--mirai',
      '7',
      '--scanners',
      '4',
      '--pcapng',
      '--truth',
      truthFile,
    ])
    assert.equal(made.code, 0, made.stderr)
    const truth = JSON.parse(readFileSync(truthFile, 'utf8')) as CaptureTruth
    const bots = truth.sources
      .filter((s) => s.kind === 'mirai')
      .map((s) => s.ip)
      .sort()
    assert.equal(bots.length, 7)

    const db = join(dir, 'd.db')
    const r = await runCli(['darknet', 'import', cap, '--block', '198.18.0.0/16', '--db', db, '--json'])
    assert.equal(r.code, 0, r.stderr)
    const rows = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
    assert.deepEqual(
      rows
        .filter((x) => x.family === 'mirai')
        .map((x) => x.ip)
        .sort(),
      bots,
    )
    assert.ok(rows.filter((x) => x.family === 'scanner').length >= 1)
    assert.match(r.stderr, /30000 packets \(pcapng\)/)

    const again = await runCli(['darknet', 'import', cap, '--db', db])
    assert.equal(again.code, 0, again.stderr)
    assert.match(again.stdout, /^SOURCE\tFAMILY\tCONF\tSYNS/)
    const store = await openSensorStore(db)
    try {
      const infected = await listInfectedSources(store)
      assert.deepEqual(infected.map((s) => s.ip).sort(), bots)
      const one = truth.sources.find((s) => s.ip === bots[0])
      assert.equal(
        infected.find((s) => s.ip === bots[0])?.evidence.counters &&
          (await store.sources({ kind: 'darknet' })).find((s) => s.ip === bots[0])?.observations,
        (one?.packets ?? 0) * 2,
      )
    } finally {
      await store.close()
    }
  })

  it('a hostile capture is refused with exit 2 and the byte offset, and stores nothing', async () => {
    const bad = join(dir, 'bad.pcap')
    const good = join(dir, 'g.pcap')
    assert.equal((await runCli(['lab', 'pcap', '--out', good, '--packets', '50'])).code, 0)
    writeFileSync(bad, readFileSync(good).subarray(0, 24 + 70 * 5 + 7))
    const db = join(dir, 'bad.db')
    const r = await runCli(['darknet', 'import', bad, '--db', db])
    assert.equal(r.code, 2)
    assert.equal(r.stderr, `mamori: ${bad}: byte 374: truncated packet record (7 bytes left)\n`)
    const store = await openSensorStore(db)
    try {
      assert.deepEqual(await store.sources(), [])
    } finally {
      await store.close()
    }
    const block = await runCli(['darknet', 'import', good, '--block', '198.18.0.0/33'])
    assert.equal(block.code, 2)
    assert.match(block.stderr, /--block "198\.18\.0\.0\/33" is not a CIDR block/)
  })
})

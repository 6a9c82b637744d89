import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { gzipSync } from 'node:zlib'
import { type CaptureSpec, writeSyntheticCapture } from '../lab/pcap/synthetic-capture.js'
import { analyseCapture } from './analyse-capture.js'

const dir = mkdtempSync(join(tmpdir(), 'mamori-darknet-'))
const spec = (o: Partial<CaptureSpec> = {}): CaptureSpec => ({
  seed: 3,
  packets: 20_000,
  darknet: { base: 0xc6120000, bits: 16 }, // 198.18.0.0/16
  mirai: 12,
  scanners: 8,
  backscatter: 5,
  format: 'pcap',
  startMs: Date.parse('2026-11-01T00:00:00Z'),
  rate: 2000,
  ...o,
})

describe('darknet classification of a synthetic capture', () => {
  for (const [format, name] of [
    ['pcap', 'cap.pcap'],
    ['pcapng', 'cap.pcapng'],
    ['pcap', 'cap.pcap.gz'],
  ] as const) {
    it(`${name}: every Mirai bot found by its SYN fingerprint, no other scanner called Mirai`, async () => {
      const file = join(dir, name)
      const truth = await writeSyntheticCapture(file, spec({ format }))
      const r = await analyseCapture(file)
      assert.equal(r.format, format)
      assert.equal(r.stats.packets, 20_000)
      const byIp = new Map(r.sources.map((s) => [s.ip, s]))
      for (const t of truth.sources) {
        const s = byIp.get(t.ip)
        if (t.kind === 'mirai') {
          assert.equal(s?.family, 'mirai', t.ip)
          assert.equal(s?.packets, t.packets, 'every SYN counted')
          assert.ok(
            s.features.some((f) => f.id === 'seq-equals-daddr') &&
              s.features.some((f) => f.id === 'telnet-port-mix'),
          )
          assert.ok(
            s.counters.port2323 > 0 && s.counters.port2323 < s.counters.port23 / 4,
            '~1 in 10 to 2323',
          )
        } else if (t.kind === 'scanner') {
          assert.equal(s?.family, 'scanner', t.ip)
        } else assert.equal(s, undefined, `${t.kind} ${t.ip} sent no SYN`)
      }
      assert.equal(r.stats.otherTcp + r.stats.otherIp + r.stats.syns, 20_000)
    })
  }

  it('only SYNs to the darknet block count when one is given', async () => {
    const file = join(dir, 'cap.pcap')
    await writeSyntheticCapture(file, spec())
    const r = await analyseCapture(file, { blocks: [{ base: 0xc6120000, mask: 0xffffff00 }] })
    assert.ok(r.stats.outsideBlocks > 0 && r.stats.syns > 0)
    assert.ok(r.stats.syns < r.stats.outsideBlocks / 50)
  })
})

/** A pcapng block: type, total length, the words after them, zero padding, the trailing length (huge: header only). */
function block(type: number, total: number, words: number[] = []): Buffer {
  const b = Buffer.alloc(total <= 65536 ? Math.max(total, 12) : 12)
  b.writeUInt32LE(type, 0)
  b.writeUInt32LE(total >>> 0, 4)
  for (const [i, w] of words.entries()) b.writeUInt32LE(w >>> 0, 8 + i * 4)
  if (total === b.length) b.writeUInt32LE(total, total - 4)
  return b
}
const SHB = () => block(0x0a0d0d0a, 28, [0x1a2b3c4d])

describe('hostile capture files: a clear error with the byte offset, never a crash', () => {
  const good = join(dir, 'good.pcap')
  const cases: [string, () => Buffer, RegExp][] = [
    [
      'bad magic',
      () => Buffer.from('GIF89a this is not a capture at all'),
      /byte 0: not a pcap or pcapng file \(magic 0x38464947\)/,
    ],
    ['an empty file', () => Buffer.alloc(0), /byte 0: empty file/],
    [
      'a truncated file header',
      () => readFileSync(good).subarray(0, 10),
      /byte 0: truncated pcap file header/,
    ],
    [
      'a truncated last record',
      () => readFileSync(good).subarray(0, 24 + 70 * 3 + 30),
      /byte 234: truncated packet record \(30 bytes left\)/,
    ],
    [
      'a huge snaplen and a record claiming 1 GB',
      () => {
        const b = Buffer.from(readFileSync(good).subarray(0, 24 + 70 * 2))
        b.writeUInt32LE(0xffffffff, 16)
        b.writeUInt32LE(1 << 30, 24 + 70 + 8)
        return b
      },
      /byte 94: packet record of 1073741824 bytes \(limit 262144\)/,
    ],
    [
      'pcapng with an odd block length',
      () => Buffer.concat([block(0x0a0d0d0a, 27, [0x1a2b3c4d]), Buffer.alloc(1)]),
      /byte 0: pcapng block length 27 is invalid/,
    ],
    [
      'pcapng with a 2 GB block',
      () => Buffer.concat([SHB(), block(0xbad, 0x80000000)]),
      /byte 28: pcapng block of 2147483648 bytes/,
    ],
    [
      'pcapng packet on an interface never described, after an unknown block that is skipped',
      () => Buffer.concat([SHB(), block(0x40000bad, 16), block(6, 32, [3])]),
      /byte 44: packet on undescribed pcapng interface 3/,
    ],
    [
      'a truncated gzip stream',
      () => gzipSync(readFileSync(good)).subarray(0, 200),
      /not a valid gzip stream/,
    ],
  ]
  it('setup', async () => {
    await writeSyntheticCapture(good, spec({ packets: 100 }))
  })
  for (const [name, bytes, message] of cases) {
    it(name, async () => {
      const file = join(dir, `hostile-${name.replace(/\W+/g, '-')}`)
      writeFileSync(file, bytes())
      await assert.rejects(analyseCapture(file), (err: Error & { code?: string }) => {
        assert.equal(err.code, 'ERR_IMPORT')
        assert.match(err.message, message)
        assert.ok(err.message.startsWith(file))
        return true
      })
    })
  }
})

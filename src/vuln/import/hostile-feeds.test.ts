import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { gunzipSync, gzipSync } from 'node:zlib'
import { runCli } from '../../testing/cli-child.js'
import { sharedData } from '../../testing/shared-data.js'
import { VulnDb } from '../db/vuln-db.js'
import { importInputs } from './import-inputs.js'

const dir = mkdtempSync(join(tmpdir(), 'mamori-hostile-feeds-'))
after(() => rmSync(dir, { recursive: true, force: true }))

const file = (name: string, content: string | Buffer) => {
  const p = join(dir, name)
  writeFileSync(p, content)
  return p
}
const kevJson = readFileSync(sharedData('vulns', 'kev.json'))
const kevGz = gzipSync(kevJson)
const nvd20 = (id: string) => JSON.parse(readFileSync(sharedData('vulns', 'nvd-api2', `${id}.json`), 'utf8'))

/** Imports into a fresh database; returns the summary and what the database holds afterwards. */
async function importFresh(inputs: string[]) {
  const db = new VulnDb(':memory:')
  try {
    const s = await importInputs(db, inputs)
    const held = Object.values(db.counts()).reduce((a, b) => a + b, 0)
    return { s, held }
  } finally {
    db.close()
  }
}

describe('vuln import: a broken file commits nothing', () => {
  it('a gzip cut short: rolled back, "ends early" said', async () => {
    const { s, held } = await importFresh([
      file('cut.json.gz', kevGz.subarray(0, Math.floor(kevGz.length * 0.6))),
    ])
    assert.equal(held, 0)
    assert.equal(s.failedFiles, 1)
    assert.equal(s.files[0]?.records, 0)
    assert.match(
      s.problems[0]?.message ?? '',
      /^the gzip stream ends early \(truncated file\); nothing from this file was imported \(\d+ records read before it were rolled back\)$/,
    )
  })

  it('a gzip with a wrong CRC-32: rolled back, though every record parsed', async () => {
    const bad = Buffer.from(kevGz)
    bad.writeUInt32LE((bad.readUInt32LE(bad.length - 8) ^ 1) >>> 0, bad.length - 8)
    const { s, held } = await importFresh([file('crc.json.gz', bad)])
    assert.equal(held, 0)
    assert.match(
      s.problems[0]?.message ?? '',
      /^the gzip CRC-32 check failed \(corrupt file\); nothing from this file/,
    )
  })

  it('bytes after the gzip stream: rolled back, named as trailing garbage', async () => {
    const { s, held } = await importFresh([
      file('trail.json.gz', Buffer.concat([kevGz, Buffer.from('garbage!')])),
    ])
    assert.equal(held, 0)
    assert.match(s.problems[0]?.message ?? '', /trailing garbage/)
  })

  it('a concatenated (multi-member) gzip is read whole, as gunzip reads it', async () => {
    const raw = gunzipSync(readFileSync(sharedData('vulns', 'nvd-1.1-iot-subset.json.gz')))
    const cut = Math.floor(raw.length / 3)
    const members = [raw.subarray(0, cut), raw.subarray(cut, 2 * cut), raw.subarray(2 * cut)].map((b) =>
      gzipSync(b),
    )
    const { s, held } = await importFresh([file('multi.json.gz', Buffer.concat(members))])
    assert.equal(s.failedFiles, 0, JSON.stringify(s.problems))
    assert.equal(held, 2977)
  })

  it('a header and then 8 MiB of "[": refused at 64 levels, with the byte offset, memory flat', async () => {
    const header = '{"CVE_data_type":"CVE","CVE_data_format":"MITRE","CVE_Items":['
    const bomb = file(
      'bomb.json.gz',
      gzipSync(Buffer.concat([Buffer.from(header), Buffer.alloc(8 << 20, '[')])),
    )
    const rss = process.memoryUsage().rss
    const { s, held } = await importFresh([bomb])
    assert.ok(process.memoryUsage().rss - rss < 100 << 20, 'RSS grew by more than 100 MiB')
    assert.equal(held, 0)
    // the records array is level 2, the first "[" in it level 3: the 65th open container is refused
    const at = header.length + 62
    assert.equal(
      s.problems[0]?.message,
      `nested deeper than 64 levels at byte ${at}; nothing from this file was imported`,
    )
  })

  it('JVN XML: an element nested past 64 levels or over 4 MiB is refused, memory flat', async () => {
    const doc = (inner: string) =>
      `<?xml version="1.0"?><VULDEF-Document><Vulinfo><VulinfoID>JVNDB-2020-000001</VulinfoID>${inner}</Vulinfo></VULDEF-Document>`
    const rss = process.memoryUsage().rss
    const { s, held } = await importFresh([
      file('deep.xml', doc(`${'<a>'.repeat(1000)}${'</a>'.repeat(1000)}`)),
      file('huge.xml', doc('<a>'.repeat(20_000_000))),
    ])
    assert.ok(process.memoryUsage().rss - rss < 200 << 20, 'RSS grew by more than 200 MiB')
    assert.equal(held, 0)
    assert.match(
      s.problems[0]?.message ?? '',
      /^<Vulinfo> element 1 at char 38 nests deeper than 64 elements; nothing/,
    )
    assert.match(
      s.problems[1]?.message ?? '',
      /^<Vulinfo> element at char 38 is larger than 4194304 characters; nothing/,
    )
  })

  it('a shape that does not match the format it claims is an error', async () => {
    const kev = JSON.parse(kevJson.toString())
    const { s } = await importFresh([
      file('kev-object.json', JSON.stringify({ ...kev, vulnerabilities: { cveID: 'CVE-2023-1389' } })),
      file('kev-string.json', JSON.stringify({ ...kev, vulnerabilities: 'none' })),
      file('kev-twice.json', `${JSON.stringify(kev)}{"more":1}`),
    ])
    assert.equal(s.failedFiles, 3)
    assert.match(
      s.problems[0]?.message ?? '',
      /^"vulnerabilities" is an object at byte \d+, not an array of records/,
    )
    assert.match(s.problems[1]?.message ?? '', /^the document has no "vulnerabilities" array of records/)
    assert.match(s.problems[2]?.message ?? '', /^content after the end of the document at byte \d+; nothing/)
  })
})

describe('vuln import: values are checked, never silently changed', () => {
  const page = (cves: unknown[]) =>
    JSON.stringify({
      resultsPerPage: cves.length,
      startIndex: 0,
      totalResults: cves.length,
      format: 'NVD_CVE',
      vulnerabilities: cves.map((cve) => ({ cve })),
    })
  const variant = (id: string, change: (cve: ReturnType<typeof nvd20>) => void) => {
    const cve = nvd20('CVE-2023-1389')
    cve.id = id
    change(cve)
    return cve
  }

  it('rejects the record, naming its id and the field', async () => {
    const cves = [
      variant('CVE-2099-0001', (c) => {
        c.published = '2026-02-30T10:00:00.000'
      }),
      variant('CVE-2099-0002', (c) => {
        c.lastModified = '0000-01-01T00:00:00.000'
      }),
      variant('CVE-2099-0003', (c) => {
        c.metrics.cvssMetricV31[0].cvssData.baseScore = 99
      }),
      variant('CVE-2099-0004', (c) => {
        c.metrics.cvssMetricV31[0].cvssData.baseSeverity = 'SEVERE'
      }),
      variant('CVE-2099-0005', (c) => {
        c.configurations[0].nodes[0].cpeMatch[0].criteria = `cpe:2.3:o:${'a'.repeat(5000)}:x:*:*:*:*:*:*:*:*`
      }),
      variant('CVE-2099-0006', (c) => {
        c.metrics.cvssMetricV31[0].cvssData.baseSeverity = 'high' // a spelling, not a change: kept as HIGH
        c.published = '2024-02-29T23:59:59.999'
      }),
    ]
    const db = new VulnDb(':memory:')
    const s = await importInputs(db, [file('values.json', page(cves))])
    const byId = Object.fromEntries(s.problems.map((p) => [p.id, p.message]))
    assert.deepEqual(byId, {
      'CVE-2099-0001': 'published "2026-02-30T10:00:00.000" is not a valid date-time',
      'CVE-2099-0002': 'lastModified "0000-01-01T00:00:00.000" is not a valid date-time',
      'CVE-2099-0003': 'metrics.cvssMetricV31 base score 99 is not a CVSS score (0-10)',
      'CVE-2099-0004': 'metrics.cvssMetricV31 severity "SEVERE" is not a CVSS severity',
      'CVE-2099-0005': 'criteria is not a CPE name (5028 characters)',
    })
    assert.equal(s.rejected, 5)
    assert.equal(s.imported, 1)
    const kept = db.record('CVE-2099-0006', 'nvd')
    assert.equal(kept?.cvss.v31?.severity, 'HIGH')
    assert.equal(kept?.published, '2024-02-29T23:59:59.999Z')
    db.close()
  })

  it('invalid UTF-8 rejects the record and names the field holding it', async () => {
    const good = Buffer.from(page([variant('CVE-2099-0007', () => {})]))
    const at = good.indexOf('TP-Link')
    const bad = Buffer.concat([good.subarray(0, at), Buffer.from([0xc3, 0x28]), good.subarray(at)])
    const { s, held } = await importFresh([file('utf8.json', bad)])
    assert.equal(held, 0)
    assert.equal(s.rejected, 1)
    assert.equal(s.problems[0]?.id, 'CVE-2099-0007')
    assert.match(s.problems[0]?.message ?? '', /^invalid UTF-8 in cve\.descriptions\[0\]\.value$/)
  })

  it('the CLI exits 2 when a file failed or a record was rejected, after committing the rest', async () => {
    const db = join(dir, 'cli.db')
    const unknown = await runCli([
      'vuln',
      'import',
      '--db',
      db,
      file('notes.json', '{"hello":1}'),
      sharedData('vulns', 'kev.json'),
    ])
    assert.equal(unknown.code, 2)
    assert.match(unknown.stdout, /kev\.json: kev, 1404 records/)
    assert.match(unknown.stderr, /notes\.json: unknown format .*\nmamori: 1 of 2 files not imported\n$/)
    assert.doesNotMatch(unknown.stderr, /\n\s+at /)
    const rejected = await runCli([
      'vuln',
      'import',
      '--db',
      db,
      file(
        'bad-score.json',
        JSON.stringify(
          variant('CVE-2099-0008', (c) => {
            c.metrics.cvssMetricV31[0].cvssData.baseScore = 99
          }),
        ),
      ),
    ])
    assert.equal(rejected.code, 2)
    assert.match(rejected.stdout, /rejected 1\n/)
    assert.match(
      rejected.stderr,
      /record 1 at byte 0 \(CVE-2099-0008\): metrics\.cvssMetricV31 base score 99/,
    )
  })
})

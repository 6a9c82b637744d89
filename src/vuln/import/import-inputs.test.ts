import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { gunzipSync } from 'node:zlib'
import { sharedData } from '../../testing/shared-data.js'
import { VulnDb } from '../db/vuln-db.js'
import { readJsonRecords } from '../io/json-record-reader.js'
import { assetFromCpes } from '../match/asset.js'
import { VulnMatcher } from '../match/vuln-matcher.js'
import { importInputs } from './import-inputs.js'

const dir = mkdtempSync(join(tmpdir(), 'mamori-vuln-import-'))
after(() => rmSync(dir, { recursive: true, force: true }))

const file = (name: string, content: string | Buffer) => {
  const p = join(dir, name)
  writeFileSync(p, content)
  return p
}
const nvd11 = () => gunzipSync(readFileSync(sharedData('vulns', 'nvd-1.1-iot-subset.json.gz')))
const cve5 = () =>
  JSON.parse(
    gunzipSync(readFileSync(sharedData('vulns', 'cve5-vulnrichment-iot.json.gz'))).toString(),
  ) as unknown[]
const nvd20 = (id: string) => JSON.parse(readFileSync(sharedData('vulns', 'nvd-api2', `${id}.json`), 'utf8'))

describe('vuln import: formats', () => {
  it('detects every format from content and imports the real files', async () => {
    const db = new VulnDb(':memory:')
    const s = await importInputs(db, [
      sharedData('vulns', 'nvd-1.1-iot-subset.json.gz'),
      sharedData('vulns', 'nvd-api2', 'CVE-2021-35394.json'),
      sharedData('vulns', 'kev.json'),
      sharedData('vulns', 'csaf', 'cisa-ics', 'icsa-23-096-04.json'),
      sharedData('vulns', 'jvn', 'hnd', 'getVulnDetailInfo_hnd_JVNDB-2021-002774.xml'),
      sharedData('vulns', 'jvn', 'hnd', 'dataFeed_jvndb_rss_hnd.xml'),
      file('bundle.json', JSON.stringify(cve5().slice(0, 5))),
      file('one.json', JSON.stringify(cve5()[0])),
      file(
        'page.json',
        JSON.stringify({
          resultsPerPage: 1,
          startIndex: 0,
          totalResults: 1,
          format: 'NVD_CVE',
          vulnerabilities: [{ cve: nvd20('CVE-2023-1389') }],
        }),
      ),
    ])
    assert.deepEqual(
      s.files.map((f) => f.format),
      [
        'nvd-1.1-feed',
        'nvd-2.0-cve',
        'kev',
        'csaf',
        'jvn-vuldef',
        'jvn-rss',
        'cve5-bundle',
        'cve5-record',
        'nvd-2.0-response',
      ],
    )
    assert.equal(s.rejected, 0, JSON.stringify(s.problems))
    assert.equal(s.files[0]?.records, 2977)
    assert.equal(s.kev.imported, 1404)
    // CSAF: product tree range "< 1.7" for a Korenix JetWave model
    const csaf = db.records('CVE-2023-23294').find((r) => r.source === 'csaf')
    assert.ok(csaf?.affected.some((a) => a.versions?.some((v) => v.vers === '< 1.7')))
    db.close()
  })

  it('is idempotent, and a newer record replaces an older one, never the reverse', async () => {
    const db = new VulnDb(':memory:')
    const old11 = sharedData('vulns', 'nvd-1.1-iot-subset.json.gz')
    const first = await importInputs(db, [old11])
    const again = await importInputs(db, [old11])
    assert.equal(again.imported + again.updated, 0)
    assert.equal(again.unchanged, first.imported)
    // CVE-2023-1389: the 1.1 feed has an older lastModified than the 2.0 record
    const newer = await importInputs(db, [sharedData('vulns', 'nvd-api2', 'CVE-2023-1389.json')])
    assert.equal(newer.updated, 1)
    const back = await importInputs(db, [old11])
    assert.equal(back.updated, 0)
    assert.equal(db.record('CVE-2023-1389', 'nvd')?.modified.slice(0, 10), '2025-10-21')
    db.close()
  })
})

describe('vuln import: bad input', () => {
  it('a truncated JSON feed is rolled back whole, the cut reported with its position', async () => {
    const bytes = nvd11()
    const cut = file('cut.json', bytes.subarray(0, Math.floor(bytes.length * 0.6)))
    const db = new VulnDb(':memory:')
    const s = await importInputs(db, [cut])
    assert.equal(s.imported, 0)
    assert.equal(db.counts().nvd ?? 0, 0)
    assert.equal(s.failedFiles, 1)
    assert.match(
      s.problems[0]?.message ?? '',
      /input ends inside record \d+ that starts at byte \d+ \(truncated file\?\); nothing from this file was imported \(\d{4} records read before it were rolled back\)/,
    )
    db.close()
  })

  it('one malformed record makes the file unreadable: nothing of it is kept, the position is named', async () => {
    const recs = cve5()
      .slice(0, 3)
      .map((r) => JSON.stringify(r))
    const broken = `[${recs[0]},${(recs[1] as string).replace('"cveMetadata":', '"cveMetadata"::')},${recs[2]}]`
    const db = new VulnDb(':memory:')
    const s = await importInputs(db, [file('broken.json', broken)])
    assert.equal(s.imported, 0)
    assert.equal(s.failedFiles, 1)
    assert.match(
      s.problems[0]?.message ?? '',
      new RegExp(
        `^record 2 at byte ${(recs[0] as string).length + 2}: [^;]* is not valid JSON; nothing from this file was imported$`,
      ),
    )
    db.close()
  })

  it('records with missing fields are rejected by id; absurd versions are refused, not dropped', async () => {
    const noDate = nvd20('CVE-2020-10987')
    delete noDate.lastModified
    const noId = structuredClone(cve5()[1] as { cveMetadata: { cveId?: string } })
    delete noId.cveMetadata.cveId
    const absurd = nvd20('CVE-2023-1389')
    absurd.configurations[0].nodes[0].cpeMatch[0].versionEndExcluding = '1.'.repeat(5000)
    const fine = nvd20('CVE-2021-35394')
    const page = {
      resultsPerPage: 4,
      startIndex: 0,
      totalResults: 4,
      format: 'NVD_CVE',
      vulnerabilities: [{ cve: noDate }, { cve: absurd }, { cve: fine }, { cve: { id: 'CVE-XXXX' } }],
    }
    const db = new VulnDb(':memory:')
    const s = await importInputs(db, [
      file('page.json', JSON.stringify(page)),
      file('bundle.json', JSON.stringify([noId, cve5()[2]])),
      file(
        'kev.json',
        JSON.stringify({
          catalogVersion: '1',
          vulnerabilities: [{ cveID: 'not-a-cve' }, { cveID: 'CVE-2023-1389', dateAdded: 'yesterday' }],
        }),
      ),
    ])
    assert.equal(s.imported, 2) // CVE-2021-35394 and the second CVE 5 record
    const byId = Object.fromEntries(
      s.problems.filter((p) => p.file.endsWith('page.json')).map((p) => [p.id ?? p.position, p.message]),
    )
    assert.match(byId['CVE-2020-10987'] ?? '', /lastModified/)
    assert.match(
      byId['CVE-2023-1389'] ?? '',
      /versionEndExcluding is not a sane version string \(10000 characters\)/,
    )
    assert.match(byId['CVE-XXXX'] ?? '', /not a CVE id/)
    assert.ok(
      s.problems.some(
        (p) => /missing cveMetadata\.cveId/.test(p.message) && p.position === 'record 1 at byte 1',
      ),
    )
    assert.ok(s.problems.some((p) => /not-a-cve/.test(p.message)))
    assert.ok(s.problems.some((p) => /dateAdded "yesterday"/.test(p.message)))
    assert.equal(s.rejected, 6)
    db.close()
  })

  it('XML with DOCTYPE (XXE, billion laughs) is refused before parsing', async () => {
    const xxe = `<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n<VULDEF-Document><Vulinfo><VulinfoID>&x;</VulinfoID></Vulinfo></VULDEF-Document>`
    const lol = `<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>\n<rdf:RDF xmlns:sec="http://jvn.jp/rss/mod_sec/3.0/"><item><sec:identifier>&lol2;</sec:identifier></item></rdf:RDF>`
    const db = new VulnDb(':memory:')
    const s = await importInputs(db, [file('xxe.xml', xxe), file('lol.xml', lol)])
    assert.equal(s.imported, 0)
    assert.equal(s.failedFiles, 2)
    for (const p of s.problems) assert.match(p.message, /<!DOCTYPE> is refused/)
    db.close()
  })

  it('a malformed XML element makes the file unreadable: nothing of it is kept', async () => {
    const real = readFileSync(sharedData('vulns', 'jvn', 'hnd', 'dataFeed_jvndb_detail_hnd.xml'), 'utf8')
    const second = real.indexOf('<Title>', real.indexOf('<Title>') + 1)
    const broken = `${real.slice(0, second)}<Title><b>${real.slice(second + 7)}`
    const db = new VulnDb(':memory:')
    const s = await importInputs(db, [file('broken.xml', broken)])
    assert.equal(s.imported, 0)
    assert.equal(s.failedFiles, 1)
    assert.match(
      s.problems[0]?.message ?? '',
      /^<Vulinfo> element \d+ at char \d+ is not well-formed XML: Expected closing tag 'b'.*; nothing from this file was imported$/,
    )
    db.close()
  })

  it('unknown content and missing files are reported; the other inputs still import', async () => {
    const db = new VulnDb(':memory:')
    const s = await importInputs(db, [
      file('notes.txt', 'hello'),
      join(dir, 'missing.json'),
      sharedData('vulns', 'nvd-api2', 'CVE-2023-1389.json'),
    ])
    assert.equal(s.imported, 1)
    assert.equal(s.failedFiles, 2)
    assert.match(s.problems[0]?.message ?? '', /unknown format/)
    assert.match(s.problems[1]?.message ?? '', /ENOENT/)
    db.close()
  })

  it('an indeterminate version in a record never becomes "affected"', async () => {
    const rec = nvd20('CVE-2023-1389')
    rec.configurations[0].nodes[0].cpeMatch[0].versionEndExcluding = 'build-next'
    const db = new VulnDb(':memory:')
    await importInputs(db, [file('odd.json', JSON.stringify(rec))])
    const m = new VulnMatcher(db).match(
      assetFromCpes(['cpe:2.3:o:tp-link:archer_ax21_firmware:1.1.2:*:*:*:*:*:*:*']),
    )
    assert.deepEqual(
      m.map((x) => [x.id, x.status]),
      [['CVE-2023-1389', 'indeterminate']],
    )
    db.close()
  })
})

describe('bounded reader', () => {
  it('streams a large feed with memory bounded by one record', async () => {
    const item = JSON.stringify(JSON.parse(nvd11().toString()).CVE_Items[0])
    const count = 40_000 // about 50 MB, generated on the fly, never held whole
    async function* feed() {
      yield Buffer.from('{"CVE_data_type":"CVE","CVE_Items":[')
      const chunk: string[] = []
      for (let i = 0; i < count; i++) {
        chunk.push(i === 0 ? item : `,${item}`)
        if (chunk.length === 500) {
          yield Buffer.from(chunk.join(''))
          chunk.length = 0
        }
      }
      yield Buffer.from(`${chunk.join('')}]}`)
    }
    const rssBefore = process.memoryUsage().rss
    let n = 0
    let peak = 0
    for await (const r of readJsonRecords(feed(), {
      path: ['CVE_Items'],
      maxRecordBytes: 1 << 20,
      maxDepth: 64,
    })) {
      assert.ok(r.ok)
      n++
      if (n % 5000 === 0) peak = Math.max(peak, process.memoryUsage().rss - rssBefore)
    }
    assert.equal(n, count)
    assert.ok(item.length * count > 40_000_000)
    assert.ok(peak < 150_000_000, `rss grew by ${peak} bytes`)
  })

  it('a record over the size limit ends the read before it is held', async () => {
    async function* feed() {
      yield Buffer.from(`[{"a":1},{"big":"${'x'.repeat(5000)}"},{"b":2}]`)
    }
    const read = async () => {
      for await (const _ of readJsonRecords(feed(), { path: [], maxRecordBytes: 1000, maxDepth: 64 })) {
      }
    }
    await assert.rejects(read, /^JsonStreamError: record 2 at byte 9 is larger than 1000 bytes$/)
  })
})

/**
 * Vulnerability intelligence benchmark (docs/benchmarks.md, "Vulnerability intelligence").
 *
 * 1. Generates a full-NVD-sized feed (default 300,000 records, NVD JSON 1.1 format) by varying
 *    the real records of ../shared/data/vulns: each copy gets new ids and modification times and
 *    its own product names (`_r1`, `_r2` …), keeping every product's real number of CVEs.
 * 2. Imports it into a fresh SQLite vulnerability database with `importInputs` (streaming),
 *    sampling peak RSS; the peer figure is the naive way, JSON.parse of the whole file.
 * 3. Matches 1,000,000 services (fingerprints drawn from the real CPEs and version bounds, with
 *    repetition as in real networks) and prints matches/s; the peer figure is matching without
 *    the (vendor, product) index, i.e. evaluating every record, measured on a sample.
 *
 *   node --import tsx bench/vuln.ts [--records 300000] [--services 1000000] [--distinct 5000] [--dir /tmp]
 */
import { createWriteStream, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { gunzipSync } from 'node:zlib'
import { attr, formatCpe, parseCpe, withAttr } from '../src/core/cpe.js'
import { sharedData } from '../src/testing/shared-data.js'
import { VulnDb } from '../src/vuln/db/vuln-db.js'
import { importInputs } from '../src/vuln/import/import-inputs.js'
import { evaluateRecord } from '../src/vuln/match/applicability.js'
import { assetFromCpes } from '../src/vuln/match/asset.js'
import { VulnMatcher } from '../src/vuln/match/vuln-matcher.js'
import type { VulnRecord } from '../src/vuln/model.js'

const { values } = parseArgs({
  options: {
    records: { type: 'string', default: '300000' },
    services: { type: 'string', default: '1000000' },
    distinct: { type: 'string', default: '5000' },
    'record-cache': { type: 'string', default: '50000' },
    dir: { type: 'string', default: tmpdir() },
  },
})
const RECORDS = Number(values.records)
const SERVICES = Number(values.services)
const work = mkdtempSync(join(values.dir as string, 'mamori-vuln-bench-'))

type Item = { cve: { CVE_data_meta: { ID: string } }; lastModifiedDate: string; configurations: unknown }
const real: Item[] = []
for (const f of ['nvd-1.1-iot-subset.json.gz', 'nvdcve-1.1-2017.json.gz']) {
  real.push(...(JSON.parse(gunzipSync(readFileSync(sharedData('vulns', f))).toString()).CVE_Items as Item[]))
}

// 1. generate
const feed = join(work, 'nvd-300k.json')
let t = performance.now()
{
  const out = createWriteStream(feed)
  const write = (s: string) =>
    out.write(s) ? Promise.resolve() : new Promise<void>((r) => out.once('drain', r))
  await write('{"CVE_data_type":"CVE","CVE_data_format":"MITRE","CVE_data_version":"4.0","CVE_Items":[')
  for (let i = 0; i < RECORDS; i++) {
    const base = real[i % real.length] as Item
    const round = Math.floor(i / real.length)
    const item = {
      ...base,
      cve: {
        ...base.cve,
        CVE_data_meta: {
          ...base.cve.CVE_data_meta,
          ID: round === 0 ? base.cve.CVE_data_meta.ID : `CVE-${2030 + round}-${100000 + i}`,
        },
      },
      lastModifiedDate: `2024-01-${String(1 + (i % 28)).padStart(2, '0')}T00:00Z`,
    }
    let text = JSON.stringify(item)
    // each copy names its own product line (`hg532_firmware_r3`), so products keep the real
    // number of CVEs each instead of 15 copies of every one
    if (round > 0)
      text = text.replace(/(cpe:2\.3:[aoh]:(?:[^:\\]|\\\\.)+:)((?:[^:\\]|\\\\.)+)/g, `$1$2_r${round}`)
    await write(`${i ? ',' : ''}${text}`)
  }
  await write(']}')
  await new Promise<void>((r) => out.end(r))
}
const size = statSync(feed).size
console.log(
  `generated ${RECORDS} records (${(size / 1e6).toFixed(0)} MB) from ${real.length} real ones in ${((performance.now() - t) / 1000).toFixed(1)} s`,
)

// 2. import
let peak = 0
const rss0 = process.memoryUsage().rss
const sampler = setInterval(() => {
  peak = Math.max(peak, process.memoryUsage().rss)
}, 200)
const dbFile = join(work, 'vuln.db')
const db = new VulnDb(dbFile)
t = performance.now()
const summary = await importInputs(db, [feed])
const importS = (performance.now() - t) / 1000
clearInterval(sampler)
console.log(
  `mamori vuln import: ${summary.imported} records in ${importS.toFixed(1)} s = ${Math.round(summary.imported / importS)} records/s, ` +
    `peak RSS ${(peak / 1e6).toFixed(0)} MB (start ${(rss0 / 1e6).toFixed(0)} MB), rejected ${summary.rejected}`,
)
{
  // peer: the whole file in memory at once
  const before = process.memoryUsage().rss
  t = performance.now()
  try {
    const whole = JSON.parse(readFileSync(feed, 'utf8')) as { CVE_Items: unknown[] }
    const parseS = (performance.now() - t) / 1000
    console.log(
      `peer (JSON.parse of the whole file, no store): ${whole.CVE_Items.length} records in ${parseS.toFixed(1)} s, ` +
        `RSS +${((process.memoryUsage().rss - before) / 1e6).toFixed(0)} MB`,
    )
  } catch (err) {
    console.log(
      `peer (JSON.parse of the whole file, no store): fails on ${(size / 1e6).toFixed(0)} MB: ${(err as Error).message}`,
    )
  }
}

// 3. match
// fingerprints: concrete CPEs from real vulnerable criteria, with versions at and around their bounds
const population: string[] = []
const seen = new Set<string>()
for (const it of real) {
  const walk = (n: { cpe_match?: Array<Record<string, unknown>>; children?: unknown[] }) => {
    for (const m of n.cpe_match ?? []) {
      if (!m.vulnerable) continue
      const parts = String(m.cpe23Uri).split(':')
      const bound = (m.versionEndExcluding ?? m.versionEndIncluding ?? m.versionStartIncluding) as
        | string
        | undefined
      const versions =
        parts[5] !== '*' && parts[5] !== '-' ? [parts[5]] : bound ? [bound, `${bound}.1`] : ['1.0']
      for (const v of versions) {
        const cpe = [...parts.slice(0, 5), v, ...parts.slice(6)].join(':')
        if (!seen.has(cpe)) {
          seen.add(cpe)
          population.push(cpe)
        }
      }
    }
    for (const c of n.children ?? []) walk(c as never)
  }
  for (const n of (it.configurations as { nodes: unknown[] }).nodes) walk(n as never)
}
// a network has far fewer distinct (product, version) pairs than services: sample `distinct` of them
const DISTINCT = Math.min(Number(values.distinct), population.length)
for (let i = population.length - 1; i > 0; i--) {
  const j = (i * 7919 + 13) % (i + 1)
  ;[population[i], population[j]] = [population[j] as string, population[i] as string]
}
population.length = DISTINCT
// spread the fingerprints over the product lines of every copy
const ROUNDS = Math.ceil(RECORDS / real.length)
for (let i = 0; i < population.length; i++) {
  const r = i % ROUNDS
  if (r > 0) {
    const w = parseCpe(population[i] as string)
    population[i] = formatCpe(
      withAttr(w, 'product', { kind: 'value', v: `${(attr(w, 'product') as { v: string }).v}_r${r}` }),
    )
  }
}
console.log(
  `service fingerprints: ${DISTINCT} distinct CPEs sampled from ${seen.size} built from real criteria`,
)
const matcher = new VulnMatcher(db, { cacheSize: 200_000, recordCacheSize: Number(values['record-cache']) })
let rng = 42
const next = () => {
  rng = (rng * 1103515245 + 12345) & 0x7fffffff
  return rng / 0x7fffffff
}
t = performance.now()
let matched = 0
let affected = 0
for (let i = 0; i < SERVICES; i++) {
  // skewed: a few models are very common, most are rare (as on real networks)
  const cpe = population[Math.floor(population.length * next() ** 3)] as string
  const m = matcher.match(assetFromCpes([cpe]))
  matched += m.length
  if (m.some((x) => x.status === 'affected')) affected++
}
const matchS = (performance.now() - t) / 1000
console.log(
  `mamori vuln match: ${SERVICES} services in ${matchS.toFixed(1)} s = ${Math.round(SERVICES / matchS)} services/s, ` +
    `${matched} CVE matches (${Math.round(matched / matchS)} matches/s), ${affected} services affected`,
)
{
  const fresh = new VulnMatcher(db, { cacheSize: 1 })
  const sample = population.slice(0, 500)
  t = performance.now()
  for (const c of sample) fresh.match(assetFromCpes([c]))
  const s = (performance.now() - t) / 1000
  console.log(`  uncached (every fingerprint distinct): ${Math.round(sample.length / s)} services/s`)
}
{
  // peer: no index, every record evaluated for each service (sampled)
  const all: VulnRecord[] = []
  for (const it of real.slice(0, 20_000)) all.push(db.record(it.cve.CVE_data_meta.ID, 'nvd') as VulnRecord)
  const sample = population.slice(0, 50)
  t = performance.now()
  for (const c of sample) {
    const a = assetFromCpes([c])
    for (const r of all) if (r) evaluateRecord(r, a, 'strict')
  }
  const s = (performance.now() - t) / 1000
  const perService = s / sample.length / all.length
  console.log(
    `peer (linear scan of every record, no index): ~${(1 / (perService * RECORDS)).toFixed(1)} services/s against ${RECORDS} records`,
  )
}
db.close()
rmSync(work, { recursive: true, force: true })

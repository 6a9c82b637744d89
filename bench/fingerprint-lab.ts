/**
 * Fingerprint accuracy on the lab: every service of a seeded lab is grabbed, fingerprinted with
 * every engine loaded, and compared with the lab's ground truth; then again after host fusion (a
 * host's agreed vendor filled into its services that name none, src/fingerprint/host-fusion.ts).
 *
 *   node --import tsx bench/fingerprint-lab.ts [--devices 150] [--seed 7] [--recog DIR] [--nmap FILE] [--verbose]
 */
import { existsSync } from 'node:fs'
import { parseArgs } from 'node:util'
import type { ScanRecord } from '../src/core/record.js'
import { FingerprintEngine } from '../src/fingerprint/fingerprint-engine.js'
import { createFingerprintEnricher } from '../src/fingerprint/fingerprint-enricher.js'
import { fuseHosts } from '../src/fingerprint/host-fusion.js'
import { DEFAULT_NMAP_PROBES } from '../src/fingerprint/nmap/load-nmap-probes.js'
import { grabService } from '../src/grab/grab-service.js'
import { type LabDevice, type LabService, startLab } from '../src/lab/lab.js'
import { sharedData } from '../src/testing/shared-data.js'

const { values } = parseArgs({
  options: {
    devices: { type: 'string', default: '150' },
    seed: { type: 'string', default: '7' },
    recog: { type: 'string', default: sharedData('recog') },
    nmap: { type: 'string', default: DEFAULT_NMAP_PROBES },
    verbose: { type: 'boolean', default: false },
  },
})

const norm = (s: string | undefined) => (s ?? '').toLowerCase().replace(/[^a-z0-9]/g, '')

interface Tally {
  predicted: number
  correct: number
  truth: number
  found: number
}
const tally = (): Tally => ({ predicted: 0, correct: 0, truth: 0, found: 0 })
type Scored = [LabDevice, LabService, ScanRecord]

/**
 * A prediction is right when it names what the banner identifies or the device itself. Precision
 * counts predictions the truth can judge: every vendor; a product or version only where the lab
 * records what the service identifies (elsewhere a name, such as "BusyBox telnetd" read from the
 * telnet negotiation, is counted apart as unjudged).
 */
function measure(records: readonly Scored[]) {
  const t = { vendor: tally(), product: tally(), version: tally() }
  const unjudged = { product: 0, version: 0 }
  const misses: string[] = []
  const score = (
    kind: keyof typeof t,
    got: string | undefined,
    accepted: (string | undefined)[],
    identifiable: boolean,
  ) => {
    const ok = got !== undefined && accepted.some((a) => a !== undefined && norm(a) === norm(got))
    if (got !== undefined && kind !== 'vendor' && !identifiable && !ok) {
      unjudged[kind]++
      return true
    }
    if (got !== undefined) {
      t[kind].predicted++
      if (ok) t[kind].correct++
    }
    if (identifiable) {
      t[kind].truth++
      if (ok) t[kind].found++
    }
    return ok
  }
  for (const [d, s, r] of records) {
    const fp = r.fingerprint
    const v = score('vendor', fp?.vendor, [d.vendor], d.vendor !== 'Generic')
    const p = score('product', fp?.product, [s.product, d.product, d.os], s.product !== undefined)
    const ver = score('version', fp?.version, [s.version, d.version], s.version !== undefined)
    if (!fp?.vendor && d.vendor !== 'Generic')
      misses.push(
        `${d.family} ${s.protocol}/${s.port}: NO VENDOR ${r.status} ${JSON.stringify(r.banner.slice(0, 60))}`,
      )
    if ((fp?.vendor && !v) || (fp?.product && !p) || (fp?.version && !ver))
      misses.push(
        `${d.family} ${s.protocol}/${s.port}: ${v ? '' : 'VENDOR '}${p ? '' : 'PRODUCT '}${ver ? '' : 'VERSION '}` +
          `got ${fp?.vendor}|${fp?.product}|${fp?.version} (${fp?.rule}) truth ${d.vendor}|${s.product ?? d.product}|${s.version ?? d.version}`,
      )
  }
  return { t, unjudged, misses }
}

const pct = (a: number, b: number) => (b === 0 ? 'n/a' : `${((100 * a) / b).toFixed(1)}%`)
const row = (name: string, v: Tally) =>
  `${name.padEnd(20)} ${pct(v.correct, v.predicted).padStart(6)} (${v.correct}/${v.predicted})   ${pct(v.found, v.truth).padStart(6)} (${v.found}/${v.truth})`

const engine = FingerprintEngine.load({
  recogDir: existsSync(values.recog) ? values.recog : undefined,
  nmapFile: existsSync(values.nmap) ? values.nmap : undefined,
})
const enricher = createFingerprintEnricher(engine)
const lab = await startLab({
  net: '127.40.64.0/20',
  seed: Number(values.seed),
  devices: Number(values.devices),
})
try {
  const jobs: [LabDevice, LabService][] = []
  for (const d of lab.truth.devices) {
    if (d.device_type === 'hostile') continue
    for (const s of d.services) if (s.transport === 'tcp') jobs.push([d, s])
  }
  const started = performance.now()
  let next = 0
  const records: Scored[] = []
  await Promise.all(
    Array.from({ length: 32 }, async () => {
      while (next < jobs.length) {
        const [d, s] = jobs[next++] as [LabDevice, LabService]
        const record = await grabService({ ip: d.ip, port: s.port, transport: 'tcp' }, { scanId: 'bench' })
        records.push([d, s, record])
      }
    }),
  )
  const grabbed = performance.now()
  for (const [, , r] of records) await enricher.enrich(r)
  const fpMs = performance.now() - grabbed
  const before = measure(records)
  // what the scan runner's host-fusion stage does, here over each whole host after the grab
  const fusionStarted = performance.now()
  const inferred = fuseHosts(records.map(([, , r]) => r))
  const fusionMs = performance.now() - fusionStarted
  const after = measure(records)
  console.log(
    `lab seed ${values.seed}: ${lab.truth.devices.length} devices, ${records.length} TCP services; ` +
      `grab ${(grabbed - started).toFixed(0)} ms, fingerprint ${fpMs.toFixed(0)} ms, host fusion ${fusionMs.toFixed(1)} ms ` +
      `(${inferred} vendors inferred); ${engine.rules.rules.length} rules loaded`,
  )
  console.log(`${'field'.padEnd(20)} precision          recall`)
  for (const [k, v] of Object.entries(before.t)) console.log(row(k, v))
  console.log(row('vendor, host fusion', after.t.vendor))
  console.log(
    `names the truth cannot judge (no service product recorded): product ${after.unjudged.product}, version ${after.unjudged.version}`,
  )
  if (values.verbose) {
    const counts = new Map<string, number>()
    for (const m of after.misses) {
      const key = m.replace(/\d+\.\d[\w.-]*/g, 'N')
      counts.set(key, (counts.get(key) ?? 0) + 1)
    }
    console.log('misses after host fusion:')
    for (const [m, n] of counts) console.log(`  ${n}× ${m}`)
  }
} finally {
  await lab.stop()
}

/**
 * mamori against nmap -sV on the same services in the same run: real Debian daemons plus a
 * small lab. Prints agreement on product and version where both answer, what each identified that
 * the other did not, and the wall-clock time ratio.
 *
 *   node --import tsx bench/fingerprint-nmap.ts [--devices 30] [--intensity 7]
 *
 * Needs nmap installed; binds only inside 127.40.0.0/16 (daemons 127.40.5.x, lab 127.40.96.0/22).
 */
import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { parseArgs, promisify } from 'node:util'
import { XMLParser } from 'fast-xml-parser'
import type { ScanRecord } from '../src/core/record.js'
import { FingerprintEngine } from '../src/fingerprint/fingerprint-engine.js'
import { createFingerprintEnricher } from '../src/fingerprint/fingerprint-enricher.js'
import { DEFAULT_NMAP_PROBES } from '../src/fingerprint/nmap/load-nmap-probes.js'
import { grabService } from '../src/grab/grab-service.js'
import { startLab } from '../src/lab/lab.js'
import { sharedData } from '../src/testing/shared-data.js'
import { startRealDaemons } from '../test/integration/fingerprint/daemons.js'

const { values } = parseArgs({
  options: {
    devices: { type: 'string', default: '30' },
    intensity: { type: 'string', default: '7' },
  },
})

interface Target {
  ip: string
  port: number
  /** What the service really is, where known. */
  truth?: { product: string; version?: string }
}

interface Answer {
  product?: string
  version?: string
}

const norm = (s: string | undefined) => (s ?? '').toLowerCase().replace(/[^a-z0-9]/g, '')
/** Products agree when one name contains the other ("OpenSSH" / "OpenSSH", "lighttpd" / "lighttpd"). */
const sameProduct = (a?: string, b?: string) =>
  !!a && !!b && (norm(a).includes(norm(b)) || norm(b).includes(norm(a)))
/** nmap appends the distribution revision to versions ("9.2p1 Debian 2+deb12u10"): compare the leading version. */
const sameVersion = (a?: string, b?: string) =>
  !!a && !!b && (a.split(' ')[0] ?? '').replace(/^v/i, '') === (b.split(' ')[0] ?? '').replace(/^v/i, '')

async function runNmap(targets: Target[], intensity: string): Promise<Map<string, Answer>> {
  const ports = [...new Set(targets.map((t) => t.port))].join(',')
  const ips = [...new Set(targets.map((t) => t.ip))]
  const { stdout } = await promisify(execFile)(
    'nmap',
    ['-sT', '-sV', '-Pn', '-n', '--version-intensity', intensity, '-p', ports, '-oX', '-', ...ips],
    { maxBuffer: 64 * 1024 * 1024 },
  )
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '',
    isArray: (n) => n === 'host' || n === 'port',
  })
  const doc = parser.parse(stdout)
  const out = new Map<string, Answer>()
  for (const host of doc.nmaprun?.host ?? []) {
    const addr = Array.isArray(host.address) ? host.address[0].addr : host.address?.addr
    for (const p of host.ports?.port ?? []) {
      if (p.state?.state !== 'open') continue
      const s = p.service ?? {}
      const answer: Answer = {}
      if (s.product) answer.product = s.product
      if (s.version) answer.version = s.version
      out.set(`${addr}:${p.portid}`, answer)
    }
  }
  return out
}

const daemons = await startRealDaemons('127.40.5')
const lab = await startLab({ net: '127.40.96.0/22', seed: 3, devices: Number(values.devices) })
try {
  const targets: Target[] = daemons.services.map((s) => ({
    ip: s.ip,
    port: s.port,
    truth: { product: s.product, version: s.version },
  }))
  for (const d of lab.truth.devices) {
    if (d.device_type === 'hostile') continue
    for (const s of d.services) {
      if (s.transport !== 'tcp') continue
      targets.push({
        ip: d.ip,
        port: s.port,
        ...(s.product ? { truth: { product: s.product, ...(s.version ? { version: s.version } : {}) } } : {}),
      })
    }
  }

  // mamori: engine load, grab, fingerprint (the engine load is part of the cost)
  const t0 = performance.now()
  const engine = FingerprintEngine.load({
    recogDir: sharedData('recog'),
    ...(existsSync(DEFAULT_NMAP_PROBES) ? { nmapFile: DEFAULT_NMAP_PROBES } : {}),
  })
  const enricher = createFingerprintEnricher(engine)
  const mamori = new Map<string, Answer>()
  let next = 0
  await Promise.all(
    Array.from({ length: 64 }, async () => {
      while (next < targets.length) {
        const t = targets[next++] as Target
        const record: ScanRecord = await grabService(
          { ip: t.ip, port: t.port, transport: 'tcp' },
          { scanId: 'vs-nmap' },
        )
        await enricher.enrich(record)
        const fp = record.fingerprint
        mamori.set(`${t.ip}:${t.port}`, {
          ...(fp?.product ? { product: fp.product } : {}),
          ...(fp?.version ? { version: fp.version } : {}),
        })
      }
    }),
  )
  const mamoriMs = performance.now() - t0

  const t1 = performance.now()
  const nmap = await runNmap(targets, values.intensity as string)
  const nmapMs = performance.now() - t1

  let both = 0
  let productAgree = 0
  let versionBoth = 0
  let versionAgree = 0
  let onlyMamori = 0
  let onlyNmap = 0
  let mamoriIds = 0
  let nmapIds = 0
  let mamoriRight = 0
  let nmapRight = 0
  let withTruth = 0
  const onlyLines: string[] = []
  for (const t of targets) {
    const key = `${t.ip}:${t.port}`
    const m = mamori.get(key) ?? {}
    const n = nmap.get(key) ?? {}
    if (m.product) mamoriIds++
    if (n.product) nmapIds++
    if (t.truth) {
      withTruth++
      if (sameProduct(m.product, t.truth.product)) mamoriRight++
      if (sameProduct(n.product, t.truth.product)) nmapRight++
    }
    if (m.product && n.product) {
      both++
      if (sameProduct(m.product, n.product)) productAgree++
      else
        onlyLines.push(
          `  differ      ${key}: mamori ${m.product} ${m.version ?? ''} | nmap ${n.product} ${n.version ?? ''}`,
        )
      if (m.version && n.version) {
        versionBoth++
        if (sameVersion(m.version, n.version)) versionAgree++
        else
          onlyLines.push(
            `  version     ${key}: mamori ${m.product} ${m.version} | nmap ${n.product} ${n.version}`,
          )
      }
    } else if (m.product) {
      onlyMamori++
      onlyLines.push(`  mamori only ${key}: ${m.product} ${m.version ?? ''}`)
    } else if (n.product) {
      onlyNmap++
      onlyLines.push(`  nmap only   ${key}: ${n.product} ${n.version ?? ''}`)
    }
  }
  const pct = (a: number, b: number) => (b === 0 ? 'n/a' : `${((100 * a) / b).toFixed(1)}%`)
  console.log(
    `${targets.length} TCP services (${daemons.services.length} real Debian daemons, the rest a ${values.devices}-device lab)`,
  )
  console.log(
    `identified (product named): mamori ${mamoriIds} (${pct(mamoriIds, targets.length)}), nmap -sV ${nmapIds} (${pct(nmapIds, targets.length)})`,
  )
  console.log(
    `right product where the truth names one (${withTruth}): mamori ${mamoriRight}, nmap ${nmapRight}`,
  )
  console.log(
    `both answered ${both}: product agrees ${productAgree} (${pct(productAgree, both)}); version agrees ${versionAgree}/${versionBoth}`,
  )
  console.log(`mamori only ${onlyMamori}, nmap only ${onlyNmap}`)
  console.log(
    `time: mamori ${mamoriMs.toFixed(0)} ms (incl. loading ${engine.rules.rules.length} rules), nmap -sV ${nmapMs.toFixed(0)} ms, ratio ${(nmapMs / mamoriMs).toFixed(1)}x`,
  )
  for (const l of onlyLines.slice(0, 40)) console.log(l)
  for (const s of daemons.skipped) console.log(`skipped ${s}`)
} finally {
  await lab.stop()
  await daemons.stop()
}

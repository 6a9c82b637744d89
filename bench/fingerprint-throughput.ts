/**
 * Matching throughput with every engine loaded (mamori's rules, all of Recog, nmap's probes):
 * banners fingerprinted per second on one core, with and without the literal prefilter.
 * The corpus is Recog's 6,409 example banners (real banners, each under its observation key)
 * plus the same banners as nmap NULL-probe responses.
 *
 *   node --import tsx bench/fingerprint-throughput.ts [--seconds 5]
 */
import { existsSync } from 'node:fs'
import { parseArgs } from 'node:util'
import type { Observation } from '../src/core/record.js'
import { FingerprintEngine } from '../src/fingerprint/fingerprint-engine.js'
import { DEFAULT_NMAP_PROBES } from '../src/fingerprint/nmap/load-nmap-probes.js'
import { loadRecogDir } from '../src/fingerprint/recog/load-recog.js'
import { sharedData } from '../src/testing/shared-data.js'

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '5' } } })
const nmapFile = existsSync(DEFAULT_NMAP_PROBES) ? DEFAULT_NMAP_PROBES : undefined

const corpus: Observation[][] = []
for (const rule of loadRecogDir(sharedData('recog')).rules) {
  for (const ex of rule.examples) {
    const obs: Observation[] = [{ key: rule.matchKey, value: ex.text }]
    // server-speaks-first banners also reach nmap's NULL-probe matches, as in a scan
    if (/^(?:telnet|ssh|ftp|smtp)\.banner$/.test(rule.matchKey))
      obs.push({ key: 'nmap.tcp.NULL', value: `${ex.text}\r\n` })
    corpus.push(obs)
  }
}

/**
 * Banners per second of CPU time used by this process (user + system): one core's rate, and a
 * fair figure on a shared machine where wall time also counts other processes' turns.
 */
function measure(prefilter: boolean): {
  perSecond: number
  perWallSecond: number
  loadMs: number
  rules: number
} {
  const t0 = performance.now()
  const engine = FingerprintEngine.load({
    recogDir: sharedData('recog'),
    ...(nmapFile ? { nmapFile } : {}),
    prefilter,
  })
  const loadMs = performance.now() - t0
  for (const obs of corpus.slice(0, 500)) engine.fingerprint(obs, 0) // warm-up
  const budget = Number(values.seconds) * 1000
  const start = performance.now()
  const cpu = process.cpuUsage()
  let n = 0
  while (performance.now() - start < budget) {
    for (const obs of corpus) engine.fingerprint(obs, 0)
    n += corpus.length
  }
  const used = process.cpuUsage(cpu)
  const cpuSeconds = (used.user + used.system) / 1e6
  return {
    perSecond: n / cpuSeconds,
    perWallSecond: n / ((performance.now() - start) / 1000),
    loadMs,
    rules: engine.rules.rules.length,
  }
}

const withPrefilter = measure(true)
const without = measure(false)
console.log(
  `corpus: ${corpus.length} banners (Recog examples; telnet/ssh/ftp/smtp ones also as nmap NULL responses)`,
)
console.log(
  `rules loaded: ${withPrefilter.rules} (mamori + Recog${nmapFile ? ' + nmap' : ''}); load ${withPrefilter.loadMs.toFixed(0)} ms`,
)
console.log(
  `with prefilter:    ${withPrefilter.perSecond.toFixed(0)} banners per CPU-second (${withPrefilter.perWallSecond.toFixed(0)}/s wall)`,
)
console.log(
  `without prefilter: ${without.perSecond.toFixed(0)} banners per CPU-second (${without.perWallSecond.toFixed(0)}/s wall)`,
)
console.log(`speed-up: ${(withPrefilter.perSecond / without.perSecond).toFixed(1)}x`)

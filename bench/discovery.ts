/**
 * Scan engine benchmark (docs/benchmarks.md, "Scan engine"). Loopback only.
 *   node --import tsx bench/discovery.ts [--rounds 3]
 * 1. Discovery rate over 127.18.0.0/16 × {23, 2323} (every probe answered by RST): mamori vs
 *    nmap -sT -n -Pn -T5 vs a C epoll loop (the machine's connect() limit), same run, median of rounds.
 * 2. Filtered: the same /16 with 127.18.0.0/18 silently dropping SYNs (nft rule, removed at exit);
 *    nmap is measured on one 512-host group of it and projected (the whole takes it ~30 min).
 * 3. Completeness: a lab /16 scanned at the default rate; share of its open services found.
 * 4. Memory: RSS at 10% and 100% of a scan over 127.96.0.0/12 (port 23, nothing listening).
 * Needs root for nft; installs nmap and nftables from Debian when missing.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { repoRoot } from '../src/core/paths.js'
import type { ScanRecord } from '../src/core/record.js'
import type { RecordSink } from '../src/core/sink.js'
import { DEFAULT_DISCOVERY, type DiscoveryOptions, inflightFor } from '../src/discovery/discovery.js'
import { startLab } from '../src/lab/lab.js'
import type { ScanProgress, ScanSummary } from '../src/scan/scan-runner.js'
import { scan } from '../src/scan/scan-service.js'

const ROUNDS = Number(process.argv[process.argv.indexOf('--rounds') + 1]) || 3
const NET = '127.18.0.0/16'
const PORTS = '23,2323'
const PROBES = 65536 * 2
const NFT_TABLE = 'mamori_bench'
const auditLog = join(tmpdir(), 'mamori-bench-audit.jsonl')

function need(cmd: string, pkg: string): void {
  if (spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0) return
  console.log(`installing ${pkg} ...`)
  execFileSync('apt-get', ['install', '-y', pkg], { stdio: 'ignore' })
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number
const fmt = (n: number) => Math.round(n).toLocaleString('en')

function cLimit(binary: string): number {
  const out = execFileSync(binary, ['127.18.0.0', '65536', '2', '4096', '23', '2323'], { encoding: 'utf8' })
  return JSON.parse(out).rate
}

/** nmap's own "scanned in N seconds" (its start-up excluded, like ours). */
function nmap(target: string, probes = PROBES): { seconds: number; rate: number } {
  const out = execFileSync('nmap', ['-sT', '-n', '-Pn', '-T5', '-p', PORTS, target, '-oG', '-'], {
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  })
  const m = /scanned in ([\d.]+) seconds/.exec(out)
  if (!m) throw new Error(`nmap output without timing: ${out.slice(-300)}`)
  const seconds = Number(m[1])
  return { seconds, rate: probes / seconds }
}

const countingSink = (records: ScanRecord[]): RecordSink => ({
  write: (r) => void records.push(r),
  close: async () => {},
})

async function mamori(
  targets: string[],
  ports: string,
  discovery: Partial<DiscoveryOptions>,
  onProgress?: (p: ScanProgress) => void,
  records: ScanRecord[] = [],
): Promise<ScanSummary> {
  const d = { ...DEFAULT_DISCOVERY, ...discovery }
  d.maxInflight = discovery.maxInflight ?? inflightFor(d.rate, d.timeoutMs, d.retries)
  return scan(
    { targets, ports, exclude: [], seed: 1 },
    { discovery: d, grabConcurrency: 200, auditLog, sinks: async () => [countingSink(records)], onProgress },
  )
}

function nft(...args: string[]): void {
  execFileSync('nft', args, { stdio: 'inherit' })
}
function dropRuleOff(): void {
  spawnSync('nft', ['delete', 'table', 'inet', NFT_TABLE], { stdio: 'ignore' })
}

async function main(): Promise<void> {
  need('nmap', 'nmap')
  need('nft', 'nftables')
  need('gcc', 'gcc')
  const climit = join(tmpdir(), 'mamori-discovery-climit')
  execFileSync('gcc', ['-O2', '-pthread', '-o', climit, join(repoRoot, 'bench', 'discovery-climit.c')])
  const native = existsSync(join(repoRoot, 'build', 'Release', 'mamori_connect_scanner.node'))
  console.log(
    `cores ${spawnSync('nproc', { encoding: 'utf8' }).stdout.trim()}, native engine ${native ? 'built' : 'NOT built'}`,
  )

  // 1. rate over a closed /16
  const rates = { mamori: [] as number[], mamoriJs: [] as number[], nmap: [] as number[], c: [] as number[] }
  for (let r = 0; r < ROUNDS; r++) {
    rates.c.push(cLimit(climit))
    rates.nmap.push(nmap(NET).rate)
    rates.mamori.push((await mamori([NET], PORTS, { rate: 10_000_000 })).rate)
    if (r === 0) rates.mamoriJs.push((await mamori([NET], PORTS, { rate: 10_000_000, engine: 'js' })).rate)
  }
  const m = median(rates.mamori)
  const n = median(rates.nmap)
  const c = median(rates.c)
  console.log(`\n## discovery rate, ${NET} × {${PORTS}} (${PROBES} probes, all closed), median of ${ROUNDS}`)
  console.log(
    `mamori (${native ? 'native' : 'js'} engine)  ${fmt(m)} probes/s   rounds: ${rates.mamori.map(fmt).join(', ')}`,
  )
  console.log(`mamori (js engine)       ${fmt(rates.mamoriJs[0] as number)} probes/s   (one round)`)
  console.log(`nmap -sT -T5             ${fmt(n)} probes/s   rounds: ${rates.nmap.map(fmt).join(', ')}`)
  console.log(`C epoll loop (2 threads) ${fmt(c)} probes/s   rounds: ${rates.c.map(fmt).join(', ')}`)
  console.log(`ratio mamori/nmap ${(m / n).toFixed(2)}   C/mamori ${(c / m).toFixed(2)}`)

  // 2. a quarter of the /16 drops SYNs
  process.on('exit', dropRuleOff)
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => {
      dropRuleOff()
      process.exit(130)
    })
  }
  dropRuleOff()
  nft('add', 'table', 'inet', NFT_TABLE)
  nft('add', 'chain', 'inet', NFT_TABLE, 'input', '{ type filter hook input priority 0; }')
  nft(
    'add',
    'rule',
    'inet',
    NFT_TABLE,
    'input',
    'ip',
    'daddr',
    '127.18.0.0/18',
    'tcp',
    'dport',
    '{ 23, 2323 }',
    'drop',
  )
  try {
    const timeoutMs = 300
    const retries = 1
    const t0 = performance.now()
    const f = await mamori([NET], PORTS, { rate: 100_000, timeoutMs, retries })
    const g0 = performance.now()
    await mamori(['127.18.0.0/23'], PORTS, { rate: 100_000, timeoutMs, retries })
    const mGroup = (performance.now() - g0) / 1000
    const mSec = (performance.now() - t0) / 1000
    const bound = PROBES / 100_000 + ((retries + 1) * timeoutMs) / 1000
    console.log(`\n## filtered: 127.18.0.0/18 drops SYNs (${PROBES / 4} of ${PROBES} probes unanswered)`)
    console.log(
      `mamori --rate 100000 --timeout ${timeoutMs} --retries ${retries}: ${mSec.toFixed(2)} s (open ${f.open}, closed ${f.closed}, filtered ${f.filtered}); targets/rate + ${retries + 1} timeouts = ${bound.toFixed(2)} s`,
    )
    console.log(`mamori on 127.18.0.0/23 alone (512 filtered hosts): ${mGroup.toFixed(2)} s`)
    console.log(`targets × timeout would be ${fmt(((PROBES / 4) * timeoutMs) / 1000)} s`)
    // nmap scans 512 hosts at a time (its host group) and a group of filtered hosts takes it
    // about a minute at -T5, so the whole /16 would take half an hour: one group is measured.
    const group = nmap('127.18.0.0/23', 1024)
    const projected = 32 * group.seconds + (PROBES * 3) / 4 / n
    console.log(
      `nmap -sT -T5: 127.18.0.0/23 (512 filtered hosts, one nmap host group) ${group.seconds.toFixed(1)} s; the /16 projected at 32 × that + the closed part at ${fmt(n)}/s = ${projected.toFixed(0)} s`,
    )
  } finally {
    dropRuleOff()
  }

  // 3. completeness on a lab /16 at the default rate
  const lab = await startLab({ net: '127.18.0.0/16', seed: 1 })
  try {
    const truth = lab.truth.devices.flatMap((d) =>
      d.services.filter((s) => s.transport === 'tcp').map((s) => `${d.ip}:${s.port}`),
    )
    const ports = [...new Set(lab.truth.devices.flatMap((d) => d.services.map((s) => s.port)))].join(',')
    const records: ScanRecord[] = []
    const t0 = performance.now()
    const s = await mamori(['127.18.0.0/16'], `iot,${ports}`, {}, undefined, records)
    const found = new Set(records.map((r) => `${r.ip}:${r.port}`))
    const hit = truth.filter((t) => found.has(t)).length
    console.log(`\n## completeness: lab ${lab.truth.net} (seed 1), default rate ${DEFAULT_DISCOVERY.rate}/s`)
    console.log(
      `${hit}/${truth.length} open services found (${((100 * hit) / truth.length).toFixed(1)}%), ${s.probed} probes in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    )
  } finally {
    await lab.stop()
  }

  // 4. memory over a /12
  let at10 = 0
  const s12 = await mamori(['127.96.0.0/12'], '23', { rate: 10_000_000 }, (p) => {
    if (!at10 && p.fraction >= 0.1) at10 = process.memoryUsage().rss
  })
  const at100 = process.memoryUsage().rss
  console.log(`\n## memory: 127.96.0.0/12 × 23 (${fmt(s12.probed)} probes, ${fmt(s12.rate)} probes/s)`)
  console.log(`RSS at 10%: ${(at10 / 2 ** 20).toFixed(0)} MiB   at 100%: ${(at100 / 2 ** 20).toFixed(0)} MiB`)
}

await main()

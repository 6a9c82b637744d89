/**
 * Protocol breadth on the lab: a whole `mamori scan --ports iot` of the lab's device addresses,
 * services grabbed per second, and per protocol how many of the lab's services came back as that
 * protocol with status success. Peer: nmap -sV on the same ports of the first `--nmap-hosts` lab
 * addresses (nmap's version probes wait out silent ports, so the whole lab would take a quarter hour).
 *
 *   node --import tsx bench/protocols-lab.ts [--net 127.70.128.0/17] [--seed 7] [--devices 300] [--nmap-hosts 20]
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import type { ScanRecord } from '../src/core/record.js'
import { startLab } from '../src/lab/lab.js'
import { PORT_PRESETS } from '../src/targets/port-presets.js'

const { values } = parseArgs({
  options: {
    net: { type: 'string', default: '127.70.128.0/17' },
    seed: { type: 'string', default: '7' },
    devices: { type: 'string', default: '300' },
    'nmap-hosts': { type: 'string', default: '20' },
  },
})
const iot = new Set((PORT_PRESETS.iot ?? '').split(',').map(Number))
const dir = mkdtempSync(join(tmpdir(), 'mamori-proto-bench-'))
const lab = await startLab({ net: values.net, seed: Number(values.seed), devices: Number(values.devices) })
try {
  const hosts = lab.truth.devices.map((d) => d.ip)
  writeFileSync(join(dir, 'targets'), `${hosts.join('\n')}\n`)
  const expected = lab.truth.devices.flatMap((d) =>
    d.services
      .filter((s) => iot.has(s.port))
      .map((s) => ({ key: `${d.ip}:${s.port}`, protocol: s.protocol })),
  )
  const started = performance.now()
  const out = await new Promise<string>((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'src/cli/main.ts',
        'scan',
        `@${join(dir, 'targets')}`,
        '--ports',
        'iot',
        '--json',
        '--audit-log',
        join(dir, 'audit.jsonl'),
        '--state',
        join(dir, 'state.json'),
        '--seed',
        '1',
      ],
      { stdio: ['ignore', 'pipe', 'ignore'] },
    )
    let text = ''
    child.stdout.on('data', (c: Buffer) => {
      text += c.toString()
    })
    child.on('error', reject)
    child.on('exit', (code) => (code === 0 ? resolve(text) : reject(new Error(`mamori scan exited ${code}`))))
  })
  const seconds = (performance.now() - started) / 1000
  const records = out
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as ScanRecord)
  const byKey = new Map(records.map((r) => [`${r.ip}:${r.port}`, r]))
  const perProtocol = new Map<string, { ok: number; all: number; misses: Map<string, number> }>()
  for (const e of expected) {
    const tally = perProtocol.get(e.protocol) ?? { ok: 0, all: 0, misses: new Map() }
    const r = byKey.get(e.key)
    if (r?.status === 'success' && r.protocol === e.protocol) tally.ok++
    else {
      const why = r ? `${r.protocol}/${r.status}` : 'not found'
      tally.misses.set(why, (tally.misses.get(why) ?? 0) + 1)
    }
    tally.all++
    perProtocol.set(e.protocol, tally)
  }
  console.log(`lab: ${hosts.length} devices on ${values.net}, ${expected.length} services on the iot ports`)
  console.log(
    `mamori scan --ports iot: ${records.length} records in ${seconds.toFixed(2)} s (CLI start included) = ` +
      `${(records.length / seconds).toFixed(0)} services/s`,
  )
  for (const [protocol, t] of [...perProtocol].sort()) {
    const misses = [...t.misses].map(([why, n]) => `${why} ${n}`).join(', ')
    console.log(
      `  ${protocol.padEnd(7)} ${t.ok}/${t.all} grabbed as ${protocol}${misses ? ` (others: ${misses})` : ''}`,
    )
  }
  const findings = new Map<string, number>()
  for (const r of records)
    for (const f of r.findings ?? []) findings.set(f.type, (findings.get(f.type) ?? 0) + 1)
  console.log(`  findings: ${[...findings].map(([t, n]) => `${t} ${n}`).join(', ')}`)
  if (values['nmap-hosts'] === '0') {
    console.log('nmap -sV: skipped (--nmap-hosts 0)')
  } else if (spawnSync('nmap', ['--version']).status !== 0) {
    console.log('nmap -sV: not installed (apt-get install nmap) — no comparison')
  } else {
    const sample = hosts.slice(0, Number(values['nmap-hosts']))
    const t0 = performance.now()
    const xml = execFileSync(
      'nmap',
      ['-sV', '-n', '-Pn', '-T5', '-p', [...iot].join(','), '-oX', '-', ...sample],
      { maxBuffer: 1 << 28, timeout: 600_000 },
    ).toString()
    const nmapSeconds = (performance.now() - t0) / 1000
    const open = (xml.match(/<state state="open"/g) ?? []).length
    console.log(
      `nmap -sV -T5 (first ${sample.length} hosts x ${iot.size} ports): ${open} open services in ` +
        `${nmapSeconds.toFixed(2)} s = ${(open / nmapSeconds).toFixed(2)} services/s`,
    )
  }
} finally {
  await lab.stop()
  rmSync(dir, { recursive: true, force: true })
}

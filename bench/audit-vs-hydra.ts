/**
 * Credential audit benchmark: mamori against hydra (Debian package) on the same telnet targets with
 * the same credential list, in the same run.
 * (a) one lab-style BusyBox device, the 62-entry Mirai table with the working pair last;
 * (b) the lab's telnet population (a `mamori lab` child process), one connection per device for both.
 *
 *   node --import tsx bench/audit-vs-hydra.ts [devices=300]
 */
import { execFile, spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import net from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { auditService } from '../src/audit/audit-service.js'
import { type Dictionaries, loadDictionaries } from '../src/audit/dictionaries.js'
import { HostGate } from '../src/audit/host-gate.js'
import type { Credential } from '../src/core/credential.js'
import type { ScanRecord } from '../src/core/record.js'
import { FingerprintEngine } from '../src/fingerprint/fingerprint-engine.js'
import { createFingerprintEnricher } from '../src/fingerprint/fingerprint-enricher.js'
import { grabService } from '../src/grab/grab-service.js'
import type { TelnetServiceSpec } from '../src/lab/family.js'
import { loadFamilies } from '../src/lab/load-families.js'
import { serveTelnet } from '../src/lab/telnet-device.js'
import type { LabTruth } from '../src/lab/truth.js'

const DEVICES = Number(process.argv[2] ?? 300)
const dir = mkdtempSync(join(tmpdir(), 'mamori-bench-audit-'))
const dicts = loadDictionaries()

function hydra(
  args: string[],
): Promise<{ ms: number; found: { host: string; login: string; password: string }[] }> {
  const out = join(dir, `hydra-${Date.now()}.json`)
  const started = performance.now()
  return new Promise((resolve, reject) => {
    execFile('hydra', [...args, '-o', out, '-b', 'json'], { maxBuffer: 64 << 20 }, (err) => {
      const ms = performance.now() - started
      let found: { host: string; login: string; password: string }[] = []
      try {
        found = JSON.parse(readFileSync(out, 'utf8')).results ?? []
      } catch {
        if (err) return reject(err)
      }
      resolve({ ms, found })
    })
  })
}

const combos = (list: Credential[]) => list.map((c) => `${c.username}:${c.password}`).join('\n')

async function record(
  ip: string,
  port: number,
  fingerprint?: { enrich(r: ScanRecord): unknown },
): Promise<ScanRecord> {
  const r = await grabService({ ip, port, transport: 'tcp' }, { scanId: 'bench' })
  await fingerprint?.enrich(r)
  return r
}

// (a) ------------------------------------------------------------------------------------------
async function single(): Promise<void> {
  const busybox = loadFamilies().find((f) => f.id === 'busybox-generic')
  const spec = busybox?.services.find((s) => s.protocol === 'telnet') as TelnetServiceSpec
  const list: Credential[] = dicts.mirai.map(({ weight: _w, ...c }) => c)
  const last = list.at(-1) as Credential
  const ip = '127.50.200.1'
  const server = net.createServer((socket) => {
    socket.on('error', () => {})
    serveTelnet(socket, {
      spec: {
        ...spec,
        login_prompt: '(none) login: ',
        motd: spec.motd.replace('{busybox}', '1.19.4'),
        shell_prompt: spec.shell_prompt.replace('{cpr}', ''),
        max_failures: 3,
      },
      credential: { username: last.username, password: last.password },
      onPostLogin: () => {},
    })
  })
  await new Promise<void>((r) => server.listen(23, ip, r))
  const only: Dictionaries = { mirai: [], vendors: [], common: list as Dictionaries['common'] }
  console.log(`(a) one BusyBox telnet device, ${list.length}-entry Mirai table, working pair last`)
  for (const pauseMs of [100, 0]) {
    const r = await record(ip, 23)
    const started = performance.now()
    let hitAt = 0
    let attempts = 0
    const result = await auditService(r, {
      dictionaries: only,
      pauseMs,
      deviceBudget: list.length,
      onAttempt: (e) => {
        attempts++
        if (e.verdict === 'success') hitAt = performance.now() - started
      },
    })
    const s = hitAt / 1000
    console.log(
      `  mamori pause ${pauseMs} ms: ${result.result} (${result.entry}) after ${attempts} attempts, hit at ${s.toFixed(2)} s = ${(attempts / s).toFixed(1)} attempts/s`,
    )
  }
  writeFileSync(join(dir, 'mirai.txt'), combos(list))
  for (const tasks of [1, 4]) {
    const h = await hydra(['-C', join(dir, 'mirai.txt'), '-t', String(tasks), '-f', '-s', '23', ip, 'telnet'])
    const hit = h.found.map((f) => `${f.login}:${f.password === last.password ? '<right>' : '<WRONG>'}`)
    console.log(
      `  hydra -t ${tasks}: ${h.found.length} hit(s) ${JSON.stringify(hit)} in ${(h.ms / 1000).toFixed(2)} s = ${(list.length / (h.ms / 1000)).toFixed(1)} attempts/s`,
    )
  }
  await new Promise((r) => server.close(r))
}

// (b) ------------------------------------------------------------------------------------------
async function population(): Promise<void> {
  const truthFile = join(dir, 'truth.json')
  const lab = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'src/cli/main.ts',
      'lab',
      '--net',
      '127.50.128.0/17',
      '--seed',
      '5',
      '--devices',
      String(DEVICES),
      '--truth',
      truthFile,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  )
  await new Promise<void>((resolve) =>
    lab.stdout?.on('data', (d: Buffer) => d.toString().includes('ready') && resolve()),
  )
  try {
    const truth = JSON.parse(readFileSync(truthFile, 'utf8')) as LabTruth
    const telnet = truth.devices.flatMap((d) =>
      d.services.filter((s) => s.protocol === 'telnet').map((s) => ({ device: d, service: s })),
    )
    const vendors = new Set(truth.devices.map((d) => d.vendor))
    // one list for both tools: the common list and the lab vendors' defaults for telnet
    const pairs = new Map<string, Credential>()
    for (const v of dicts.vendors.filter((v) =>
      [...vendors].some((n) => v.aliases.includes(n.toLowerCase().replace(/[^a-z0-9]/g, ''))),
    ))
      for (const e of v.entries)
        if (!e.protocols || e.protocols.includes('telnet')) pairs.set(`${e.username}\0${e.password}`, e)
    for (const e of dicts.common)
      if (!e.protocols || e.protocols.includes('telnet')) pairs.set(`${e.username}\0${e.password}`, e)
    const list = [...pairs.values()]
    const expected = new Map(
      telnet.map(({ device, service }) => [
        device.ip,
        service.credential?.default &&
        pairs.has(`${service.credential.username}\0${service.credential.password}`)
          ? `${service.credential.username}:${service.credential.password}`
          : undefined,
      ]),
    )
    const defaults = [...expected.values()].filter(Boolean).length
    console.log(
      `(b) lab telnet population: ${telnet.length} devices, ${defaults} with a default in the ${list.length}-entry list`,
    )

    const score = (found: Map<string, string>) => {
      let hits = 0
      let misses = 0
      let falseHits = 0
      for (const [ip, want] of expected) {
        const got = found.get(ip)
        if (want && got === want) hits++
        else if (want) misses++
        if (got && got !== want) falseHits++
      }
      return `hits ${hits}/${defaults}, misses ${misses}, false hits ${falseHits}`
    }

    const only: Dictionaries = { mirai: [], vendors: dicts.vendors, common: list as Dictionaries['common'] }
    const fingerprint = createFingerprintEnricher(FingerprintEngine.load())
    const gate = new HostGate()
    const started = performance.now()
    const found = new Map<string, string>()
    let attempts = 0
    await Promise.all(
      telnet.map(async ({ device, service }) => {
        const r = await record(device.ip, service.port, fingerprint)
        const a = await auditService(r, {
          dictionaries: only,
          gate,
          reveal: true,
          deviceBudget: list.length + 50,
          onAttempt: () => attempts++,
        })
        if (a.result === 'default-credentials') {
          found.set(device.ip, `${a.username}:${(a.evidence as { password: string }).password}`)
        }
      }),
    )
    const ms = performance.now() - started
    console.log(
      `  mamori (defaults: pause 100 ms, 1 connection/device, vendor first): ${(ms / 1000).toFixed(1)} s, ${attempts} attempts, ${score(found)}`,
    )

    writeFileSync(join(dir, 'list.txt'), combos(list))
    writeFileSync(join(dir, 'targets.txt'), telnet.map(({ device }) => device.ip).join('\n'))
    const h = await hydra([
      '-C',
      join(dir, 'list.txt'),
      '-M',
      join(dir, 'targets.txt'),
      '-t',
      '1',
      '-T',
      '64',
      '-f',
      '-s',
      '23',
      'telnet',
    ])
    const hfound = new Map(h.found.map((f) => [f.host, `${f.login}:${f.password}`]))
    console.log(`  hydra -t 1 -T 64 -f: ${(h.ms / 1000).toFixed(1)} s, ${score(hfound)}`)
  } finally {
    if (lab.pid !== undefined) process.kill(lab.pid, 'SIGTERM')
    await sleep(200)
  }
}

await single()
await population()

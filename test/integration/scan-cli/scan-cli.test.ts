import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, writeFile } from 'node:fs/promises'
import net from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import type { ScanRecord } from '../../../src/core/record.js'
import { startLab } from '../../../src/lab/lab.js'
import { type CliRun, runCli } from '../../../src/testing/cli-child.js'

// This file's loopback blocks: 127.19.103.0/24 (listeners), 127.19.104.0/24 (lab).
const dir = await mkdtemp(join(tmpdir(), 'mamori-scan-cli-'))
const auditLog = join(dir, 'audit.jsonl')

function mamori(
  args: string[],
  opts: { interruptWhen?: () => Promise<boolean>; interruptWith?: 'SIGINT' | 'SIGKILL' } = {},
): Promise<CliRun> {
  return runCli(args, { cwd: dir, ...opts })
}

async function records(path: string): Promise<ScanRecord[]> {
  if (!existsSync(path)) return []
  return (await readFile(path, 'utf8'))
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as ScanRecord)
}

async function auditLines(): Promise<number> {
  return existsSync(auditLog) ? (await readFile(auditLog, 'utf8')).trim().split('\n').length : 0
}

// Listeners on 127.19.103.1-20 port 9000 that count every connection they get.
const hits = new Map<string, number>()
const servers: net.Server[] = []
const conns = new Set<net.Socket>()
before(async () => {
  for (let h = 1; h <= 20; h++) {
    const host = `127.19.103.${h}`
    const s = net.createServer((c) => {
      hits.set(host, (hits.get(host) ?? 0) + 1)
      conns.add(c)
      c.on('close', () => conns.delete(c))
      c.on('error', () => {})
      c.end('SSH-2.0-OpenSSH_7.4\r\n')
    })
    servers.push(s)
    await new Promise<void>((r) => s.listen({ host, port: 9000 }, r))
  }
})
after(async () => {
  // a grab may still hold a connection open: close() alone would wait for it
  for (const c of conns) c.destroy()
  for (const s of servers) await new Promise((r) => s.close(r))
})

test('scan of the lab finds every open service at the default rate and writes one record each', async () => {
  const lab = await startLab({ net: '127.19.104.0/24', seed: 5 })
  try {
    const expected = lab.truth.devices.flatMap((d) =>
      d.services.filter((s) => s.transport === 'tcp').map((s) => `${d.ip}:${s.port}`),
    )
    const ports = [...new Set(lab.truth.devices.flatMap((d) => d.services.map((s) => s.port)))].join(',')
    const out = join(dir, 'lab.jsonl')
    const run = await mamori([
      'scan',
      '127.19.104.0/24',
      '--ports',
      `iot,${ports}`,
      '--out',
      out,
      '--audit-log',
      auditLog,
    ])
    assert.equal(run.code, 0, run.stderr)
    const found = (await records(out)).map((r) => `${r.ip}:${r.port}`)
    assert.deepEqual([...found].sort(), [...expected].sort())
    assert.match(run.stdout, new RegExp(`open ${expected.length} `))
    assert.match(
      run.stdout,
      new RegExp(`${expected.length} records written to ${out.replace(/[.]/g, '\\.')}`),
    )
  } finally {
    await lab.stop()
  }
})

test('--json prints records on stdout and the summary on stderr', async () => {
  const run = await mamori(['scan', '127.19.103.1-4', '-p', '9000,9001', '--json', '--audit-log', auditLog])
  assert.equal(run.code, 0, run.stderr)
  const lines = run.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as ScanRecord)
  assert.deepEqual(lines.map((r) => r.ip).sort(), [
    '127.19.103.1',
    '127.19.103.2',
    '127.19.103.3',
    '127.19.103.4',
  ])
  assert.ok(lines.every((r) => r.port === 9000 && r.protocol === 'ssh' && r.banner.includes('OpenSSH_7.4')))
  const summary = JSON.parse(run.stderr.trim()).summary
  assert.equal(summary.open, 4)
  assert.equal(summary.closed, 4)
})

test('an out-of-scope target refuses the whole scan with exit 2 before any packet', async () => {
  const before = hits.get('127.19.103.5') ?? 0
  const lines = await auditLines()
  const out = join(dir, 'refused.jsonl')
  const run = await mamori([
    'scan',
    '127.19.103.5',
    '8.8.8.8',
    '-p',
    '9000',
    '--out',
    out,
    '--audit-log',
    auditLog,
  ])
  assert.equal(run.code, 2)
  assert.match(run.stderr, /refused target 8\.8\.8\.8: it is outside scope loopback/)
  assert.equal(hits.get('127.19.103.5') ?? 0, before, 'the in-scope target got no connection')
  assert.equal(existsSync(out), false, 'no output file')
  assert.equal(await auditLines(), lines, 'a refused scan is not a scan')
})

test('bad usage exits 2 with a message', async () => {
  const bad = join(dir, 'bad-scope.yaml')
  await writeFile(bad, 'owner: x\ncidrs: nope\n')
  const cases: [string[], RegExp][] = [
    [['scan', '127.19.103.1', '-p', '80-20'], /bad port list "80-20".*goes backwards/],
    [['scan', '127.19.103.1', '-p', 'telnetz'], /"telnetz" is not a port, range or preset/],
    [['scan', '127.19.103.1', '--scope', bad], /scope file .*bad-scope\.yaml is invalid/],
    [['scan', '300.1.2.3'], /bad target "300\.1\.2\.3"/],
    [['scan', '127.19.103.1', '--rate', 'fast'], /expected a whole number/],
    [['scan', '127.19.103.1', '--shard', '3/2'], /bad shard/],
    [['scan'], /no targets given/],
    [['scan', '127.19.103.1', '--shard', '0/2'], /--shard needs --seed/],
  ]
  const runs = await Promise.all(cases.map(([args]) => mamori([...args, '--audit-log', auditLog])))
  cases.forEach(([args, pattern], i) => {
    const run = runs[i] as CliRun
    assert.equal(run.code, 2, `${args.join(' ')}: ${run.stderr}`)
    assert.match(run.stderr, pattern)
  })
})

test('Ctrl-C saves the position; --resume finishes the scan without repeats or gaps', async () => {
  const out = join(dir, 'resume.jsonl')
  const state = join(dir, 'resume.state.json')
  const args = [
    'scan',
    '127.19.103.0/24',
    '-p',
    '9000-9003',
    '--out',
    out,
    '--audit-log',
    auditLog,
    '--seed',
    '3',
  ]
  // interrupt once the scan has started (its audit entry is written) and run for a moment
  const lines = await auditLines()
  let startedAt = 0
  const started = async () => {
    if (!startedAt && (await auditLines()) > lines) startedAt = Date.now()
    return startedAt > 0 && Date.now() - startedAt > 300
  }
  const first = await mamori([...args, '--rate', '100', '--state', state], { interruptWhen: started })
  assert.equal(first.code, 1, first.stderr)
  assert.match(first.stdout, /interrupted: resume with {2}mamori scan --resume /)
  const partial = await records(out)
  assert.ok(partial.length < 20, `${partial.length} records before the interrupt`)
  const second = await mamori(['scan', '--resume', state, '--out', out, '--audit-log', auditLog])
  assert.equal(second.code, 0, second.stderr)
  const keys = (await records(out)).map((r) => `${r.ip}:${r.port}`)
  assert.equal(new Set(keys).size, keys.length, 'no service twice')
  assert.equal(keys.length, 20, 'every service once')
  assert.equal(existsSync(state), false, 'the finished scan removed its state file')
  const audit = (await readFile(auditLog, 'utf8'))
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l))
  const last = audit[audit.length - 1]
  assert.equal(last.options.resumed, true)
  assert.deepEqual(last.targets, ['127.19.103.0/24'])
  assert.equal(last.scope, 'loopback (default scope)')
})

test('--resume keeps every option of the interrupted scan and refuses one that says otherwise', async () => {
  const out = join(dir, 'options.jsonl')
  const state = join(dir, 'options.state.json')
  const ownLog = join(dir, 'options-audit.jsonl')
  const args = [
    'scan',
    '127.19.103.0/24',
    '-p',
    '9000-9003',
    '--out',
    out,
    '--audit-log',
    ownLog,
    '--seed',
    '4',
  ]
  let startedAt = 0
  const started = async () => {
    if (!startedAt && existsSync(ownLog)) startedAt = Date.now()
    return startedAt > 0 && Date.now() - startedAt > 300
  }
  const first = await mamori([...args, '--rate', '150', '--grab-concurrency', '7', '--state', state], {
    interruptWhen: started,
  })
  assert.equal(first.code, 1, first.stderr)
  const saved = JSON.parse(await readFile(state, 'utf8'))
  assert.deepEqual(
    [saved.settings.rate, saved.settings.grab_concurrency, saved.settings.out, saved.settings.audit_log],
    [150, 7, out, ownLog],
  )
  const refused = await mamori(['scan', '--resume', state, '--rate', '10000'])
  assert.equal(refused.code, 2)
  assert.match(refused.stderr, /--rate 10000 differs from the interrupted scan's \(150\)/)
  // no flag at all: the rate, the output file and the audit log come from the state
  const second = await mamori(['scan', '--resume', state])
  assert.equal(second.code, 0, second.stderr)
  assert.match(second.stdout, /150 probes\/s|\d+ probes\/s/)
  const keys = (await records(out)).map((r) => `${r.ip}:${r.port}`)
  assert.equal(new Set(keys).size, keys.length, 'no service twice')
  assert.equal(keys.length, 20, 'every service once')
  const entries = (await readFile(ownLog, 'utf8'))
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l))
  assert.equal(entries.length, 2, "the resumed run wrote its entry to the scan's own audit log")
  assert.deepEqual(
    [entries[1].options.resumed, entries[1].options.rate, entries[1].options.grab_concurrency],
    [true, 150, 7],
  )
})

test('SIGKILL, then --resume: --out holds each service once, and a line cut by the kill is gone', {
  timeout: 90_000,
}, async () => {
  const out = join(dir, 'killed.jsonl')
  const state = join(dir, 'killed.state.json')
  // 1,024 probes at 60/s: ~17 s; the state is saved every 10 s, the kill comes after the first save
  const args = [
    'scan',
    '127.19.103.0/24',
    '-p',
    '9000-9003',
    '--out',
    out,
    '--audit-log',
    auditLog,
    '--seed',
    '9',
  ]
  let savedAt = 0
  const first = await mamori([...args, '--rate', '60', '--state', state], {
    interruptWhen: async () => {
      if (!savedAt && existsSync(state)) savedAt = Date.now()
      return savedAt > 0 && Date.now() - savedAt > 1000
    },
    interruptWith: 'SIGKILL',
  })
  assert.equal(first.code, null, 'killed')
  const scanId = JSON.parse(await readFile(state, 'utf8')).scan_id as string
  // what a kill leaves: a record written after the last saved state, then half a line
  const after = {
    ip: '127.19.103.1',
    port: 9000,
    transport: 'tcp',
    protocol: 'ssh',
    timestamp: new Date().toISOString(),
    scan_id: scanId,
    status: 'success',
    banner: 'SSH-2.0-OpenSSH_7.4',
    data: {},
  }
  const before = existsSync(out) ? await readFile(out, 'utf8') : ''
  await writeFile(out, `${before}${JSON.stringify(after)}\n{"ip":"127.19.103.99","port":90`)
  const second = await mamori(['scan', '--resume', state])
  assert.equal(second.code, 0, second.stderr)
  const keys = (await records(out)).map((r) => `${r.ip}:${r.port}`)
  assert.equal(new Set(keys).size, keys.length, 'no service twice')
  assert.equal(keys.length, 20, 'every service once')
})

test('shards with one seed split the space: disjoint, and together the whole', async () => {
  const runs = await Promise.all(
    ['0/3', '1/3', '2/3'].map((shard) =>
      mamori([
        'scan',
        '127.19.103.0/27',
        '-p',
        '9000',
        '--json',
        '--seed',
        '77',
        '--shard',
        shard,
        '--audit-log',
        auditLog,
      ]),
    ),
  )
  const found = runs.map((run) => {
    assert.equal(run.code, 0, run.stderr)
    return run.stdout
      .trim()
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => (JSON.parse(l) as ScanRecord).ip)
  })
  const all = found.flat()
  assert.equal(new Set(all).size, all.length, 'no address in two shards')
  assert.equal(all.length, 20)
  assert.ok(
    found.every((f) => f.length > 0 && f.length < 20),
    found.map((f) => f.length).join(','),
  )
})

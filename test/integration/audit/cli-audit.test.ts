import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import type { ScanRecord } from '../../../src/core/record.js'
import { type RunningLab, startLab } from '../../../src/lab/lab.js'
import { runCli } from '../../../src/testing/cli-child.js'

// `mamori scan --audit-credentials` end to end through the CLI, on 127.50.22.0/27
const NET = '127.50.22.0/27'
const dir = mkdtempSync(join(tmpdir(), 'mamori-cli-audit-'))
let lab: RunningLab
before(async () => {
  lab = await startLab({ net: NET, seed: 3, devices: 8, loginQuirks: true })
})
after(async () => {
  await lab?.stop()
})

function mamori(args: string[], o: { interruptWhen?: () => Promise<boolean> } = {}) {
  const own = args.includes('--state') || args.includes('--resume')
  return runCli(own ? args : [...args, '--state', join(dir, 'scan.state.json')], {
    env: { MAMORI_AUDIT_LOG: join(dir, 'audit.jsonl') },
    timeoutMs: 100_000,
    ...o,
  })
}

test('scan --audit-credentials: audit and finding per service, passwords only with --reveal', {
  timeout: 120_000,
}, async () => {
  const telnet = lab.truth.devices.flatMap((d) =>
    d.services
      .filter((s) => s.protocol === 'telnet' && s.credential?.default && !s.no_password_prompt)
      .map((s) => ({ d, s })),
  )
  assert.ok(telnet.length > 0, 'the lab has a telnet device with its default')
  const ports = [...new Set(lab.truth.devices.flatMap((d) => d.services.map((s) => s.port)))].join(',')
  const run = await mamori([
    'scan',
    NET,
    '--ports',
    ports,
    '--audit-credentials',
    '--audit-pause',
    '0',
    // the lab's defaults come early (vendor first, then Mirai's most used); keeps the run short
    '--audit-budget',
    '40',
    '--json',
  ])
  assert.equal(run.code, 0, run.stderr)
  const records = run.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as ScanRecord)
  // the grab itself may time out on a loaded machine; every service it grabbed must be audited right
  let audited = 0
  for (const { d, s } of telnet) {
    const r = records.find((x) => x.ip === d.ip && x.port === s.port)
    if (r?.status !== 'success') continue
    audited++
    assert.equal(
      r.audit?.result,
      'default-credentials',
      `${d.family} ${d.ip}: ${JSON.stringify(r.audit)?.slice(0, 400)}`,
    )
    assert.ok(r.findings?.some((f) => f.type === 'default-credentials' && f.severity === 'critical'))
    // the password is nowhere in the record without --reveal (the user name may equal it: admin/admin)
    assert.equal((r.audit?.evidence as { password?: string } | undefined)?.password, undefined)
    const password = s.credential?.password ?? ''
    if (password !== '' && password !== s.credential?.username)
      assert.ok(!JSON.stringify(r.audit).includes(password), `${d.ip}: the password appears in the audit`)
  }
  assert.ok(audited > 0, `no default telnet service grabbed: ${run.stderr.slice(-400)}`)
  const log = readFileSync(join(dir, 'audit.jsonl'), 'utf8')
  assert.match(log, /"audit_credentials":true/)

  // --reveal: the working password is in the record; a grab lost to machine load is tried again
  const first = telnet[0] as (typeof telnet)[number]
  let record: ScanRecord | undefined
  for (let i = 0; i < 3 && record?.status !== 'success'; i++) {
    const revealed = await mamori([
      'scan',
      first.d.ip,
      '--ports',
      String(first.s.port),
      '--audit-credentials',
      '--reveal',
      '--json',
    ])
    record = JSON.parse(revealed.stdout.trim()) as ScanRecord
  }
  assert.equal(
    (record?.audit?.evidence as { password?: string } | undefined)?.password,
    first.s.credential?.password,
  )
})

test('bad audit flags are refused as usage errors', async () => {
  const r = await mamori([
    'scan',
    '127.50.22.1',
    '--ports',
    '23',
    '--audit-credentials',
    '--audit-budget',
    '601',
  ])
  assert.equal(r.code, 2)
  assert.match(r.stderr, /601|600/)
})

test("an audit cut short by Ctrl-C is done again by --resume, with the scan's own audit options", {
  timeout: 180_000,
}, async () => {
  const out = join(dir, 'interrupted.jsonl')
  const state = join(dir, 'interrupted.state.json')
  const ports = [...new Set(lab.truth.devices.flatMap((d) => d.services.map((s) => s.port)))].join(',')
  const defaults = lab.truth.devices.flatMap((d) =>
    d.services
      .filter((s) => s.protocol === 'telnet' && s.credential?.default && !s.no_password_prompt)
      .map((s) => `${d.ip}:${s.port}`),
  )
  assert.ok(defaults.length > 0)
  // a slow audit (pause 400 ms): the interrupt comes while logins are being tried
  const args = [
    'scan',
    NET,
    '--ports',
    ports,
    '--audit-credentials',
    '--audit-pause',
    '400',
    '--audit-budget',
    '40',
    '--out',
    out,
  ]
  const first = await mamori([...args, '--state', state, '--seed', '11'], {
    interruptWhen: async () => {
      try {
        return readFileSync(out, 'utf8').split('\n').length > 2
      } catch {
        return false
      }
    },
  })
  assert.equal(first.code, 1, first.stderr)
  const saved = JSON.parse(readFileSync(state, 'utf8'))
  assert.deepEqual(saved.settings.audit, { budget: 40, max_attempts: null, pause_ms: 400, reveal: false })
  const before = readFileSync(out, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as ScanRecord)
  assert.ok(
    before.every((r) => !/the scan was interrupted/.test(JSON.stringify(r.audit ?? ''))),
    'no record is written with an audit the interrupt cut short',
  )
  const second = await mamori(['scan', '--resume', state])
  assert.equal(second.code, 0, second.stderr)
  const records = readFileSync(out, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as ScanRecord)
  const keys = records.map((r) => `${r.ip}:${r.port}`)
  assert.equal(new Set(keys).size, keys.length, 'no service twice')
  const found = new Set(
    records.filter((r) => r.audit?.result === 'default-credentials').map((r) => `${r.ip}:${r.port}`),
  )
  for (const key of defaults) assert.ok(found.has(key), `${key}: default found after the resume`)
})

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

function mamori(args: string[]) {
  return runCli([...args, '--state', join(dir, 'scan.state.json')], {
    env: { MAMORI_AUDIT_LOG: join(dir, 'audit.jsonl') },
    timeoutMs: 100_000,
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

import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { after, describe, test } from 'node:test'
import { type AuditOptions, auditService } from '../../../src/audit/audit-service.js'
import type { Dictionaries } from '../../../src/audit/dictionaries.js'
import type { ScanRecord } from '../../../src/core/record.js'
import { grabService } from '../../../src/grab/grab-service.js'
import { type BusyboxDevice, canRunBusyboxChroot, startBusyboxDevice } from './busybox-chroot.js'
import { telnetdBusybox } from './daemons.js'

// 127.50.10.0/24 is this file's block
const busybox = telnetdBusybox()
const skip = !busybox
  ? 'no busybox with telnetd and login (Debian busybox-static; .ci/run unpacks it)'
  : !canRunBusyboxChroot()
    ? 'needs root and user namespaces'
    : false

const dictionaries: Dictionaries = {
  mirai: [],
  vendors: [],
  common: [
    { id: 'mirai-01', username: 'root', password: 'xc3511', source: 'Mirai scanner.c' },
    { id: 'mirai-02', username: 'root', password: 'vizxv', source: 'Mirai scanner.c' },
    { id: 'mirai-04', username: 'admin', password: 'admin', source: 'Mirai scanner.c' },
  ],
}
// BusyBox login waits ~3 s before "Login incorrect": patient reads
const options: AuditOptions = {
  dictionaries,
  pauseMs: 50,
  limits: { readTimeoutMs: 5000, deadlineMs: 20_000 },
}

const devices: BusyboxDevice[] = []
after(async () => {
  for (const d of devices) await d.stop()
})

async function audit(device: BusyboxDevice) {
  const record: ScanRecord = await grabService(
    { ip: device.ip, port: device.port, transport: 'tcp' },
    { scanId: 'bb' },
  )
  assert.equal(record.protocol, 'telnet')
  return auditService(record, options)
}

/** The device's own count, once its syslogd has written what login sent it. */
async function logged(device: BusyboxDevice, expected: { failed: number; succeeded: number }) {
  for (let i = 0; i < 40; i++) {
    const got = device.loggedAttempts()
    if (got.failed >= expected.failed && got.succeeded >= expected.succeeded) return got
    await new Promise((r) => setTimeout(r, 50))
  }
  return device.loggedAttempts()
}

/** No line was sent into the device after the shell appeared (the transcript's own order). */
function nothingSentAfterShell(evidence: unknown): void {
  const lines = (evidence as { transcript: { dir: string; text: string }[] }).transcript
  const shellAt = lines.findIndex((l) => l.dir === 'received' && /built-in shell \(ash\)/.test(l.text))
  assert.ok(shellAt >= 0, 'the shell is in the transcript')
  assert.deepEqual(
    lines.slice(shellAt).filter((l) => l.dir === 'sent'),
    [],
  )
}

describe('credential audit against real BusyBox 1.35 telnetd + login in a chroot', {
  skip,
  concurrency: true,
}, () => {
  test('root with an empty password: no-authentication for root, no password typed into the shell', {
    timeout: 60_000,
  }, async () => {
    const d = await startBusyboxDevice({
      busybox: busybox as string,
      ip: '127.50.10.2',
      port: 2323,
      hostname: 'IPCAM',
      accounts: [{ username: 'root', password: '' }],
    })
    devices.push(d)
    const result = await audit(d)
    assert.equal(result.result, 'no-authentication', JSON.stringify(result.evidence))
    assert.equal(result.username, 'root')
    assert.equal(result.tried, 1)
    nothingSentAfterShell(result.evidence)
    // one login without a password, then three unknown-user controls refused
    const count = await logged(d, { failed: 3, succeeded: 1 })
    assert.deepEqual(count, { failed: 3, succeeded: 1 })
    assert.equal(result.attempts, count.failed + count.succeeded)
  })

  test('telnetd -l /bin/sh: no-authentication before any credential, nothing logged', {
    timeout: 30_000,
  }, async () => {
    const d = await startBusyboxDevice({
      busybox: busybox as string,
      ip: '127.50.10.3',
      port: 2323,
      hostname: 'DVR',
      shell: true,
    })
    devices.push(d)
    const result = await audit(d)
    assert.equal(result.result, 'no-authentication', JSON.stringify(result.evidence))
    assert.equal(result.tried, 0)
    assert.equal(result.attempts, 0)
    assert.match(JSON.stringify(result.evidence), /BusyBox v1\.35\.0 .*built-in shell \(ash\) … \/ #/)
    nothingSentAfterShell(result.evidence)
    assert.deepEqual(d.loggedAttempts(), { failed: 0, succeeded: 0 })
  })

  test('a strong password stays no-default-credentials; every attempt is one the device logged', {
    timeout: 60_000,
  }, async () => {
    const d = await startBusyboxDevice({
      busybox: busybox as string,
      ip: '127.50.10.4',
      port: 2323,
      hostname: 'router',
      accounts: [{ username: 'root', password: randomBytes(12).toString('base64url') }],
    })
    devices.push(d)
    const result = await audit(d)
    assert.equal(result.result, 'no-default-credentials', JSON.stringify(result.evidence))
    assert.equal(result.tried, 3)
    assert.deepEqual(await logged(d, { failed: 3, succeeded: 0 }), { failed: 3, succeeded: 0 })
    assert.equal(result.attempts, 3)
  })

  test('a default password is found, confirmed by three refused controls, and the device counts the same', {
    timeout: 60_000,
  }, async () => {
    const d = await startBusyboxDevice({
      busybox: busybox as string,
      ip: '127.50.10.5',
      port: 2323,
      hostname: 'IPCAM',
      accounts: [{ username: 'root', password: 'vizxv' }],
    })
    devices.push(d)
    const result = await audit(d)
    assert.equal(result.result, 'default-credentials', JSON.stringify(result.evidence))
    assert.equal(result.entry, 'mirai-02')
    nothingSentAfterShell(result.evidence)
    const controls = (result.evidence as { controls: { verdict: string; refusal: string }[] }).controls
    assert.deepEqual(
      controls.map((c) => [c.verdict, c.refusal]),
      Array(3).fill(['failure', 'text:login incorrect']),
    )
    // xc3511 refused, vizxv logged in, three controls refused
    assert.deepEqual(await logged(d, { failed: 4, succeeded: 1 }), { failed: 4, succeeded: 1 })
    assert.equal(result.attempts, 5)
    assert.ok(!JSON.stringify(result).includes('vizxv'), 'the password never appears')
  })
})

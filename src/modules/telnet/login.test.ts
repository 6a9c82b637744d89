import assert from 'node:assert/strict'
import { after, test } from 'node:test'
import { auditService } from '../../audit/audit-service.js'
import type { Dictionaries } from '../../audit/dictionaries.js'
import {
  type TelnetDeviceLog,
  type TelnetDeviceSpec,
  telnetDevice,
} from '../../audit/testing/telnet-device.js'
import type { ScanRecord } from '../../core/record.js'
import { grabOnce, tcpPeer } from '../../testing/protocol-peer.js'
import { telnetModule } from './index.js'

const peers: { close(): Promise<void> }[] = []
after(async () => {
  for (const p of peers) await p.close()
})

const SOURCE = 'test'
const dict: Dictionaries = {
  mirai: [],
  vendors: [],
  common: [
    { id: 'c-1', username: 'root', password: 'xc3511', source: SOURCE },
    { id: 'c-2', username: 'root', password: 'vizxv', source: SOURCE },
    { id: 'c-3', username: 'admin', password: 'admin', source: SOURCE },
    { id: 'c-4', username: 'root', password: '', source: SOURCE },
    { id: 'c-5', username: 'support', password: 'support', source: SOURCE },
  ],
}

let host = 0
async function device(spec: TelnetDeviceSpec) {
  const log: TelnetDeviceLog = { postLogin: [], logins: 0, failures: 0 }
  const peer = await tcpPeer(`127.50.1.${++host}`, telnetDevice(spec, log))
  peers.push(peer)
  const grab = await grabOnce(telnetModule, peer.target)
  const record: ScanRecord = {
    ...peer.target,
    protocol: 'telnet',
    timestamp: new Date().toISOString(),
    scan_id: 't',
    status: grab.status,
    banner: '',
    data: { telnet: grab.result },
  }
  return { record, log }
}

const waits = { pair: [200], control: [300, 600, 1200] }
const audit = (record: ScanRecord) =>
  auditService(record, {
    dictionaries: dict,
    pauseMs: 0,
    limits: { readTimeoutMs: 3000 },
    retryWaitsMs: waits,
  })

const BUSYBOX = {
  negotiate: true,
  banner: '\r\nBusyBox v1.19.3 (2016-01-01) built-in shell\r\n',
  loginPrompt: '(none) login: ',
  shellPrompt: '~ # ',
}

test('finds the working pair behind negotiation, banner and login:, and sends nothing after login', async () => {
  const { record, log } = await device({ ...BUSYBOX, accounts: [{ username: 'admin', password: 'admin' }] })
  const result = await audit(record)
  assert.equal(result.result, 'default-credentials')
  assert.equal(result.entry, 'c-3')
  assert.equal(result.username, 'admin')
  assert.equal(result.tried, 3)
  // two refused pairs, the hit and three refused controls: what the device itself counted
  assert.equal(result.attempts, 6)
  assert.equal(log.logins, 1)
  assert.equal(log.failures, 5)
  assert.deepEqual(
    log.postLogin.map((b) => b.length),
    [0],
  )
  const evidence = result.evidence as {
    transcript: { text: string }[]
    destination: unknown
    controls: { verdict: string; refusal: string; shape: string }[]
  }
  assert.deepEqual(
    evidence.controls.map((c) => [c.verdict, c.refusal]),
    Array(3).fill(['failure', 'text:login incorrect']),
  )
  assert.deepEqual(evidence.destination, { ip: record.ip, port: record.port })
  assert.ok(!JSON.stringify(result).includes('"admin"') || !JSON.stringify(evidence).includes('admin\\r'))
})

test('Username: and User Name: prompts, a MOTD after login and an echoed password', async () => {
  for (const loginPrompt of ['\r\nUser Access Verification\r\n\r\nUsername: ', 'User Name:']) {
    const { record } = await device({
      loginPrompt,
      accounts: [{ username: 'support', password: 'support' }],
      shellPrompt: 'HG532e> ',
      motd: 'Last login: Mon Nov  2 10:00:00 2026 from 10.0.0.1\r\n',
      echoPassword: true,
    })
    const result = await audit(record)
    assert.equal(result.result, 'default-credentials', loginPrompt)
    assert.equal(result.entry, 'c-5')
    assert.ok(!JSON.stringify(result.evidence).includes('support\\r\\n'), 'echoed password masked')
  }
})

test('a password-only device logs in with the password alone', async () => {
  const { record } = await device({ accounts: [{ username: '', password: 'vizxv' }], shellPrompt: '# ' })
  const result = await audit(record)
  assert.equal(result.result, 'default-credentials')
  assert.equal(result.entry, 'c-2')
})

test('a device that accepts any password then shows an error is never a success', async () => {
  const { record } = await device({
    ...BUSYBOX,
    accounts: [],
    acceptAnyThenError: 'Error: authentication failed, goodbye',
  })
  const result = await audit(record)
  assert.equal(result.result, 'no-default-credentials')
  assert.equal(result.tried, 5)
})

test('a device that lets any password in (a honeypot) accepts any credentials, never default', async () => {
  const { record } = await device({ ...BUSYBOX, accounts: [], acceptAny: true })
  const result = await audit(record)
  assert.equal(result.result, 'accepts-any-credentials')
  assert.equal(result.entry, undefined)
  assert.match(JSON.stringify(result.evidence), /probably a honeypot or a broken login/)
})

test('a login that accepts any short password is caught by the short control (issue 22)', async () => {
  const { record } = await device({ ...BUSYBOX, accounts: [], acceptAnyUpTo: 16 })
  const result = await audit(record)
  assert.equal(result.result, 'accepts-any-credentials')
  const controls = (result.evidence as { controls: { shape: string; verdict: string }[] }).controls
  assert.deepEqual(controls.at(-1), { ...controls.at(-1), verdict: 'success' })
})

test('one busy session slot: the control is asked again after a wait, not counted as refused', async () => {
  // accepts anything: the control is dropped while the slot is taken, then let in
  const honeypot = await device({ ...BUSYBOX, accounts: [], acceptAny: true, busyAfterLoginMs: 500 })
  const fooled = await audit(honeypot.record)
  assert.equal(fooled.result, 'accepts-any-credentials')
  // a real device with the same slot: the waited-for control is refused, the hit stands
  const real = await device({
    ...BUSYBOX,
    accounts: [{ username: 'root', password: 'vizxv' }],
    busyAfterLoginMs: 500,
  })
  const found = await audit(real.record)
  assert.equal(found.result, 'default-credentials')
  assert.equal(found.entry, 'c-2')
  assert.deepEqual(
    real.log.postLogin.map((b) => b.length),
    [0],
  )
})

test('a device that drops every connection before the password is unknown, never no-default', async () => {
  const { record, log } = await device({ ...BUSYBOX, accounts: [], dropAfterMs: 300 })
  const result = await audit(record)
  assert.equal(result.result, 'unknown')
  assert.match(JSON.stringify(result.evidence), /without an explicit refusal/)
  assert.equal(result.attempts, 0)
  assert.equal(log.failures, 0)
})

test('a coloured prompt followed by an ANSI reset is a shell (issue 22)', async () => {
  const { record } = await device({
    ...BUSYBOX,
    accounts: [{ username: 'admin', password: 'admin' }],
    shellPrompt: '\x1b[1;32m[root@IPCAM ~]# \x1b[0m',
  })
  const result = await audit(record)
  assert.equal(result.result, 'default-credentials')
  assert.equal(result.entry, 'c-3')
  assert.match((result.evidence as { cited: string }).cited, /^\[root@IPCAM ~\]#$/)
})

test('root without a password: the shell after the user name is recognised before a password is typed', async () => {
  const { record, log } = await device({
    ...BUSYBOX,
    accounts: [],
    noPassword: ['root'],
    shellPrompt:
      "\r\n\r\nBusyBox v1.35.0 (Debian 1:1.35.0-4+deb12u1+b1) built-in shell (ash)\r\nEnter 'help' for a list of built-in commands.\r\n\r\n~ # \x1b[6n",
  })
  const result = await audit(record)
  assert.equal(result.result, 'no-authentication')
  assert.equal(result.username, 'root')
  assert.equal(result.entry, undefined)
  // the first entry (root) got the shell; nothing at all was typed into it
  assert.equal(result.tried, 1)
  assert.deepEqual(
    log.postLogin.map((b) => b.length),
    [0],
  )
  const evidence = result.evidence as { reason: string; controls: { shape: string; verdict: string }[] }
  assert.match(evidence.reason, /has no password/)
  assert.ok(evidence.controls.every((c) => c.verdict === 'failure' && /unknown user/.test(c.shape)))
})

test('a shell prompt that looks like a login prompt still counts only after a real login', async () => {
  const { record } = await device({
    loginPrompt: 'Login: ',
    accounts: [{ username: 'root', password: 'vizxv' }],
    shellPrompt: 'login> ',
  })
  const result = await audit(record)
  assert.equal(result.result, 'default-credentials')
  assert.equal(result.entry, 'c-2')
})

test('a lockout message stops the audit', async () => {
  const { record, log } = await device({
    ...BUSYBOX,
    accounts: [{ username: 'x', password: 'y' }],
    lockoutAfter: 2,
  })
  const result = await audit(record)
  assert.equal(result.result, 'lockout')
  assert.ok(result.tried <= 3)
  assert.equal(log.failures, 2)
})

test('a slow refusal (busybox login waits before "Login incorrect") is a failure, not unknown', async () => {
  const { record } = await device({
    ...BUSYBOX,
    accounts: [{ username: 'root', password: '' }],
    failureDelayMs: 600,
  })
  const result = await audit(record)
  assert.equal(result.result, 'default-credentials')
  assert.equal(result.entry, 'c-4')
})

test('an open shell without login is no-authentication; silence after the password is unknown', async () => {
  const open = await tcpPeer('127.50.1.100', ({ socket }) =>
    socket.write(
      "\xff\xfd\x01\r\r\n\r\n\r\nBusyBox v1.35.0 (Debian 1:1.35.0-4+deb12u1+b1) built-in shell (ash)\r\nEnter 'help' for a list of built-in commands.\r\n\r\n/ # \x1b[6n",
      'latin1',
    ),
  )
  peers.push(open)
  const grab = await grabOnce(telnetModule, open.target)
  const record: ScanRecord = {
    ...open.target,
    protocol: 'telnet',
    timestamp: '',
    scan_id: 't',
    status: grab.status,
    banner: '',
    data: { telnet: grab.result },
  }
  assert.equal((grab.result as { prompt_kind: string }).prompt_kind, 'shell')
  const openResult = await audit(record)
  assert.equal(openResult.result, 'no-authentication')
  assert.equal(openResult.attempts, 0)
  assert.match(JSON.stringify(openResult.evidence), /BusyBox v1\.35\.0 .*built-in shell \(ash\) … \/ #/)

  const silent = await tcpPeer('127.50.1.101', async (session) => {
    session.socket.write('login: ')
    await session.receive((b) => b.includes(0x0a))
    session.socket.write('Password: ')
    // then nothing at all
  })
  peers.push(silent)
  const g2 = await grabOnce(telnetModule, silent.target)
  const r2 = await auditService(
    { ...record, ...silent.target, data: { telnet: g2.result } },
    {
      dictionaries: { ...dict, common: dict.common.slice(0, 1) },
      pauseMs: 0,
      limits: { readTimeoutMs: 300 },
    },
  )
  assert.equal(r2.result, 'unknown')
})

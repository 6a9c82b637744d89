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

const audit = (record: ScanRecord) =>
  auditService(record, { dictionaries: dict, pauseMs: 0, limits: { readTimeoutMs: 3000 } })

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
  assert.equal(log.logins, 1)
  assert.deepEqual(
    log.postLogin.map((b) => b.length),
    [0],
  )
  const evidence = result.evidence as {
    transcript: { text: string }[]
    destination: unknown
    control: { verdict: string }
  }
  assert.equal(evidence.control.verdict, 'failure')
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

test('a device that lets any password in (a honeypot) is unknown, not default-credentials', async () => {
  const { record } = await device({ ...BUSYBOX, accounts: [], acceptAny: true })
  const result = await audit(record)
  assert.equal(result.result, 'unknown')
  assert.match(JSON.stringify(result.evidence), /wrong password was not refused/)
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
  const open = await tcpPeer('127.50.1.100', ({ socket }) => socket.write('\r\n# '))
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
  assert.equal((await audit(record)).result, 'no-authentication')

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

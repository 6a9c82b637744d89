import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { type AuditOptions, auditService } from '../../../src/audit/audit-service.js'
import { type Dictionaries, loadDictionaries } from '../../../src/audit/dictionaries.js'
import type { ScanRecord } from '../../../src/core/record.js'
import { grabService } from '../../../src/grab/grab-service.js'
import {
  ACCOUNT,
  canNamespace,
  type Daemon,
  startDropbear,
  startLighttpd,
  startMosquitto,
  startTelnetd,
  startVsftpd,
  telnetdBusybox,
  tools,
} from './daemons.js'

// 127.50.9.0/24 is this file's block
const IP = {
  telnet: '127.50.9.2',
  ssh: '127.50.9.3',
  ftp: '127.50.9.4',
  mqtt: '127.50.9.5',
  http: '127.50.9.6',
  sshKeysOnly: '127.50.9.7',
  sshBlank: '127.50.9.8',
}

const dictionaries = loadDictionaries()
/** The same dictionary without the working pair: nothing may be found (no false positive). */
const without: Dictionaries = {
  mirai: [],
  vendors: [],
  common: dictionaries.common.filter((e) => e.password !== ACCOUNT.password).slice(0, 3),
}

const options = (d: Dictionaries): AuditOptions => ({
  dictionaries: d,
  pauseMs: 20,
  limits: { readTimeoutMs: 5000, deadlineMs: 15_000 },
})

async function grab(ip: string, port: number): Promise<ScanRecord> {
  return grabService({ ip, port, transport: 'tcp' }, { scanId: 'audit-it' })
}

const namespaces = canNamespace()
const busybox = telnetdBusybox()
const running: Daemon[] = []
after(async () => {
  for (const d of running) await d.stop()
})

async function expectHitAndNoFalseHit(record: ScanRecord, protocol: string): Promise<void> {
  assert.equal(record.protocol, protocol)
  const hit = await auditService(record, options(dictionaries))
  assert.equal(hit.result, 'default-credentials', JSON.stringify(hit.evidence))
  assert.equal(hit.username, ACCOUNT.username)
  assert.equal(hit.entry, 'common-001')
  const evidence = hit.evidence as { controls: { verdict: string; refusal: string }[] }
  // every control refused, and the same way (the real daemon's own refusal)
  assert.equal(evidence.controls.length, 3)
  assert.ok(
    evidence.controls.every((c) => c.verdict === 'failure'),
    JSON.stringify(evidence.controls),
  )
  assert.equal(new Set(evidence.controls.map((c) => c.refusal)).size, 1)
  assert.ok(!JSON.stringify(hit).includes(ACCOUNT.password), 'the password never appears in the result')
  const miss = await auditService(record, options(without))
  assert.equal(miss.result, 'no-default-credentials', JSON.stringify(miss.evidence))
  assert.equal(miss.tried, 3)
}

describe('credential audit against real daemons', { concurrency: true }, () => {
  before(() => {})

  test('busybox telnetd + busybox login', {
    skip: !namespaces
      ? 'no mount namespaces'
      : !busybox
        ? 'no busybox with telnetd (install busybox-static)'
        : false,
    timeout: 60_000,
  }, async () => {
    const d = await startTelnetd(busybox as string, IP.telnet)
    running.push(d)
    await expectHitAndNoFalseHit(await grab(d.ip, d.port), 'telnet')
  })

  test('dropbear (password / keyboard-interactive, no channel)', {
    skip: !namespaces || !tools.dropbear ? 'dropbear or namespaces missing' : false,
    timeout: 30_000,
  }, async () => {
    const d = await startDropbear(IP.ssh)
    running.push(d)
    await expectHitAndNoFalseHit(await grab(d.ip, d.port), 'ssh')
  })

  test('dropbear with password logins off (-s) is not-applicable', {
    skip: !namespaces || !tools.dropbear ? 'dropbear or namespaces missing' : false,
    timeout: 30_000,
  }, async () => {
    const d = await startDropbear(IP.sshKeysOnly, 22, ['-s'])
    running.push(d)
    const result = await auditService(await grab(d.ip, d.port), options(dictionaries))
    assert.equal(result.result, 'not-applicable', JSON.stringify(result.evidence))
    assert.equal(result.tried, 1)
  })

  test('dropbear -B with an account without a password: SSH none is no-authentication for root', {
    skip: !namespaces || !tools.dropbear ? 'dropbear or namespaces missing' : false,
    timeout: 30_000,
  }, async () => {
    const d = await startDropbear(IP.sshBlank, 22, ['-B'], '')
    running.push(d)
    const result = await auditService(await grab(d.ip, d.port), options(dictionaries))
    assert.equal(result.result, 'no-authentication', JSON.stringify(result.evidence))
    assert.equal(result.username, 'root')
    const evidence = result.evidence as { reason: string; controls: { verdict: string }[] }
    assert.match(evidence.reason, /none/)
    // unknown users were refused: it is this account that has no password, not a server letting all in
    assert.ok(
      evidence.controls.every((c) => c.verdict === 'failure'),
      JSON.stringify(evidence.controls),
    )
  })

  test('vsftpd local login', {
    skip: !namespaces || !tools.vsftpd ? 'vsftpd or namespaces missing' : false,
    timeout: 30_000,
  }, async () => {
    const d = await startVsftpd(IP.ftp)
    running.push(d)
    await expectHitAndNoFalseHit(await grab(d.ip, d.port), 'ftp')
  })

  test('mosquitto with a password file', {
    skip: !tools.mosquitto ? 'mosquitto missing' : false,
    timeout: 30_000,
  }, async () => {
    const d = await startMosquitto(IP.mqtt)
    running.push(d)
    await expectHitAndNoFalseHit(await grab(d.ip, d.port), 'mqtt')
  })

  test('lighttpd Basic and Digest', {
    skip: !tools.lighttpd ? 'lighttpd missing' : false,
    timeout: 30_000,
  }, async () => {
    const d = await startLighttpd(IP.http)
    running.push(d)
    await expectHitAndNoFalseHit(await grab(d.ip, d.port), 'http')
    const digest = await grab(d.ip, d.port + 1)
    assert.equal(
      (digest.data.http as { www_authenticate?: { scheme: string } }).www_authenticate?.scheme,
      'Digest',
    )
    await expectHitAndNoFalseHit(digest, 'http')
  })
})

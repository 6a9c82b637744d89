import assert from 'node:assert/strict'
import net from 'node:net'
import { after, test } from 'node:test'
import { MamoriError } from '../core/errors.js'
import { parseIPv4 } from '../core/ipv4.js'
import type { ScanRecord } from '../core/record.js'
import { IPv4RangeSet } from '../scope/range-set.js'
import { loopbackScope, type Scope } from '../scope/scope.js'
import { tcpPeer } from '../testing/protocol-peer.js'
import { AttemptBudget } from './attempt-budget.js'
import { createAuditEnricher } from './audit-enricher.js'
import { auditService } from './audit-service.js'
import type { Dictionaries } from './dictionaries.js'
import { checkAuditScope, withAuditStage } from './scan-audit.js'

const peers: { close(): Promise<void> }[] = []
after(async () => {
  for (const p of peers) await p.close()
})

const dict: Dictionaries = {
  mirai: [],
  vendors: [],
  common: ['a', 'b', 'c', 'd'].map((p, i) => ({
    id: `c-${i + 1}`,
    username: 'admin',
    password: p,
    source: 't',
  })),
}

function record(ip: string, port: number, protocol: string, data: unknown): ScanRecord {
  return {
    ip,
    port,
    transport: 'tcp',
    protocol,
    timestamp: '',
    scan_id: 't',
    status: 'success',
    banner: '',
    data: { [protocol]: data },
  }
}

const fast = { dictionaries: dict, pauseMs: 0, limits: { readTimeoutMs: 1000, deadlineMs: 4000 } }
const telnetHint = {
  banner: '',
  prompt_kind: 'login',
  will: [],
  do: [],
  wont: [],
  dont: [],
  negotiations: 0,
  truncated: false,
}

test('hostile telnet peers (garbage, IAC flood, endless banner, instant close) never give a success', async () => {
  const scripts: Record<string, (s: net.Socket) => void> = {
    garbage: (s) => s.write(Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) & 0xff))),
    iacFlood: (s) => s.write(Buffer.alloc(70_000, 0xff)),
    endless: (s) => {
      const t = setInterval(() => s.write('# login: # '.repeat(100)), 5)
      s.on('close', () => clearInterval(t))
    },
    close: (s) => s.destroy(),
  }
  let n = 0
  for (const [name, script] of Object.entries(scripts)) {
    const peer = await tcpPeer(`127.50.4.${++n}`, ({ socket }) => script(socket))
    peers.push(peer)
    const result = await auditService(record(peer.target.ip, peer.target.port, 'telnet', telnetHint), fast)
    assert.notEqual(result.result, 'default-credentials', name)
    assert.notEqual(result.result, 'no-default-credentials', `${name}: nothing was decided`)
  }
})

test('a refused port stops the audit with its status; the scan budget is shared and stops attempts', async () => {
  const server = net.createServer()
  await new Promise<void>((r) => server.listen(0, '127.50.4.20', r))
  const port = (server.address() as net.AddressInfo).port
  await new Promise((r) => server.close(r))
  const refused = await auditService(record('127.50.4.20', port, 'telnet', telnetHint), fast)
  assert.equal(refused.result, 'unknown')
  assert.equal(refused.status, 'connection-refused')
  assert.equal(refused.tried, 2)

  const ftp = await tcpPeer('127.50.4.21', async ({ socket, receive }) => {
    socket.write('220 ready\r\n')
    await receive((b) => b.includes('\n'))
    socket.write('331 pass\r\n')
    await receive((b) => b.toString().split('\n').length > 2)
    socket.write('530 no\r\n')
  })
  peers.push(ftp)
  const budget = new AttemptBudget(3)
  const first = await auditService(
    record(ftp.target.ip, ftp.target.port, 'ftp', { banner: '', banner_code: 220 }),
    { ...fast, budget },
  )
  assert.equal(first.result, 'unknown')
  assert.equal(first.tried, 3)
  assert.match(JSON.stringify(first.evidence), /budget/)
})

test('lockout signals: FTP 421, HTTP 429; bad MQTT CONNACKs are errors, not logins', async () => {
  const ftp = await tcpPeer('127.50.4.30', async ({ socket, receive }) => {
    socket.write('220 ready\r\n')
    await receive((b) => b.includes('\n'))
    socket.write('421 Too many login failures, try later\r\n')
  })
  const http = await tcpPeer('127.50.4.31', async ({ socket, receive }) => {
    await receive((b) => b.includes('\r\n\r\n'))
    socket.end('HTTP/1.1 429 Too Many Requests\r\nContent-Length: 0\r\n\r\n')
  })
  const mqtt = await tcpPeer('127.50.4.32', async ({ socket, receive }) => {
    await receive((b) => b.length > 10)
    socket.end(Buffer.from([0x20, 0xff, 0xff, 0xff, 0xff, 0x7f]))
  })
  peers.push(ftp, http, mqtt)
  const f = await auditService(
    record(ftp.target.ip, ftp.target.port, 'ftp', { banner: '', banner_code: 220 }),
    fast,
  )
  assert.equal(f.result, 'lockout')
  assert.equal(f.tried, 1)
  const hint = {
    status_code: 401,
    www_authenticate: { scheme: 'Basic', raw: 'Basic realm="x"', path: '/' },
    headers: [],
    body_length: 0,
    truncated: false,
  }
  const h = await auditService(record(http.target.ip, http.target.port, 'http', hint), fast)
  assert.equal(h.result, 'lockout')
  const m = await auditService(
    record(mqtt.target.ip, mqtt.target.port, 'mqtt', {
      anonymous: false,
      v311: { code: 5, accepted: false, session_present: false },
    }),
    fast,
  )
  assert.equal(m.result, 'unknown')
  assert.equal(m.status, 'protocol-error')
})

test('services without a login are not-applicable or no-authentication, without a connection', async () => {
  const none = await auditService(
    record('127.50.4.40', 1, 'http', { status_code: 200, headers: [], body_length: 0, truncated: false }),
    fast,
  )
  assert.equal(none.result, 'not-applicable')
  assert.equal((await auditService(record('127.50.4.40', 1, 'snmp', {}), fast)).result, 'not-applicable')
  assert.equal(
    (await auditService(record('127.50.4.40', 1, 'ftp', { banner: '', anonymous: true }), fast)).result,
    'no-authentication',
  )
  assert.equal(
    (await auditService(record('127.50.4.40', 1, 'mqtt', { anonymous: true }), fast)).result,
    'no-authentication',
  )
})

test('the enricher adds the critical finding on a confirmed login, and only where allowed', async () => {
  const ftp = await tcpPeer('127.50.4.50', async ({ socket, receive }) => {
    socket.write('220 ready\r\n')
    await receive((b) => b.includes('\n'))
    socket.write('331 pass\r\n')
    const all = await receive((b) => b.toString().split('\n').length > 2)
    socket.write(all.toString().includes('PASS c\r\n') ? '230 ok\r\n' : '530 no\r\n')
  })
  peers.push(ftp)
  const r = record(ftp.target.ip, ftp.target.port, 'ftp', { banner: '', banner_code: 220 })
  await createAuditEnricher({ ...fast, allowed: () => false }).enrich(r)
  assert.equal(r.audit, undefined)
  const audited: ScanRecord = r
  await createAuditEnricher({ ...fast, allowed: () => true }).enrich(audited)
  assert.equal(audited.audit?.result, 'default-credentials')
  assert.equal(audited.audit?.entry, 'c-3')
  assert.deepEqual(
    audited.findings?.map((f) => [f.type, f.severity]),
    [['default-credentials', 'critical']],
  )
  assert.ok(!JSON.stringify(audited).includes('PASS c'))
  const revealed = record(ftp.target.ip, ftp.target.port, 'ftp', { banner: '', banner_code: 220 })
  await createAuditEnricher({ ...fast, reveal: true, allowed: () => true }).enrich(revealed)
  assert.equal((revealed.audit?.evidence as { password?: string } | undefined)?.password, 'c')
})

test('the scope gate: loopback always, elsewhere only with credential_audit: true', () => {
  const outside = IPv4RangeSet.of([[parseIPv4('10.0.0.1') as number, parseIPv4('10.0.0.1') as number]])
  const scope: Scope = { name: 'corp.yaml', credentialAudit: false, allowed: outside }
  assert.throws(
    () => checkAuditScope(scope, outside),
    (e: unknown) =>
      e instanceof MamoriError && e.code === 'ERR_AUDIT_REFUSED' && /10\.0\.0\.1/.test(e.message),
  )
  checkAuditScope({ ...scope, credentialAudit: true }, outside)
  checkAuditScope(scope, IPv4RangeSet.of([[0x7f320001, 0x7f3200ff]]))
  const stages = withAuditStage(
    [
      { name: 'fingerprint', enrich() {} },
      { name: 'assess', enrich() {} },
    ],
    loopbackScope,
    {},
  )
  assert.deepEqual(
    stages.map((s) => s.name),
    ['fingerprint', 'audit', 'assess'],
  )
  assert.throws(() => withAuditStage([], loopbackScope, { deviceBudget: 601 }), MamoriError)
})

test('an interrupted scan starts no new attempt', async () => {
  const controller = new AbortController()
  controller.abort()
  const result = await auditService(record('127.50.4.60', 1, 'ftp', { banner: '', banner_code: 220 }), {
    ...fast,
    signal: controller.signal,
  })
  assert.equal(result.result, 'unknown')
  assert.equal(result.tried, 0)
})

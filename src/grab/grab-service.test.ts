import assert from 'node:assert/strict'
import type net from 'node:net'
import { test } from 'node:test'
import type { ScanRecord } from '../core/record.js'
import type { TelnetResult } from '../modules/telnet/result.js'
import { startPeer } from '../testing/tcp-peer.js'
import { grabService } from './grab-service.js'

const FAST = { readTimeoutMs: 300, connectTimeoutMs: 500, deadlineMs: 2000 }

async function grabFrom(ip: string, port: number, serve: (s: net.Socket) => void, limits = FAST) {
  const peer = await startPeer(ip, port, serve)
  try {
    const started = Date.now()
    const record = await grabService({ ip, port, transport: 'tcp' }, { scanId: 't', limits })
    return { record, ms: Date.now() - started, peer }
  } finally {
    await peer.close()
  }
}

const httpReply = 'HTTP/1.1 200 OK\r\nServer: lighttpd/1.4.35\r\nContent-Length: 0\r\n\r\n'

test('the reply decides: HTTP on the telnet port is recorded as http', async () => {
  const { record } = await grabFrom('127.80.3.1', 23, (s) => s.on('data', () => s.end(httpReply)))
  assert.equal(record.protocol, 'http')
  assert.equal(record.status, 'success')
  assert.match(record.banner, /lighttpd/)
})

test('the reply decides: SSH on an HTTP port is recorded as ssh', async () => {
  const { record } = await grabFrom('127.80.3.2', 8080, (s) => s.write('SSH-2.0-dropbear_2019.78\r\n'))
  assert.equal(record.protocol, 'ssh')
  assert.equal(record.banner, 'SSH-2.0-dropbear_2019.78')
})

test('a port no module claims: a server-first banner picks the module on the same connection', async () => {
  const { record, peer } = await grabFrom('127.80.3.3', 40023, (s) => s.write('\r\n(none) login: '))
  assert.equal(record.protocol, 'telnet')
  assert.equal((record.data.telnet as TelnetResult).prompt_kind, 'login')
  assert.equal(peer.received.length, 1, 'one connection sufficed')
})

test('binary garbage on an unknown port is kept as an unknown service with its bytes', async () => {
  const garbage = Buffer.from([0x00, 0x13, 0x37, 0xde, 0xad, 0xbe, 0xef, 0x01])
  const { record } = await grabFrom('127.80.3.4', 34999, (s) => s.write(garbage))
  assert.equal(record.protocol, 'unknown')
  assert.equal(record.status, 'success')
  assert.equal((record.data.unknown as { hex: string }).hex, garbage.toString('hex'))
  assert.match(record.banner, /\\x00\\x13/)
})

test('a silent port ends as io-timeout within a few read timeouts', async () => {
  const { record, ms } = await grabFrom('127.80.3.5', 23, () => {})
  assert.equal(record.status, 'io-timeout')
  assert.ok(ms < 4 * FAST.readTimeoutMs + 500, `${ms} ms`)
})

test('10 MB of banner: memory bounded, the bytes kept are capped, the grab ends', async () => {
  const before = process.memoryUsage().rss
  const { record, ms } = await grabFrom('127.80.3.6', 2323, (s) => {
    const block = Buffer.alloc(1024 * 1024, 0x41)
    for (let i = 0; i < 10; i++) s.write(block)
  })
  const telnet = record.data.telnet as TelnetResult
  assert.equal(record.status, 'success')
  assert.equal(telnet.truncated, true)
  assert.ok(record.banner.length <= 4096)
  assert.ok(ms < 2000, `${ms} ms`)
  assert.ok(process.memoryUsage().rss - before < 64 * 1024 * 1024)
})

test('a peer that trickles a byte at a time is cut at the deadline with what it sent', async () => {
  const { record, ms } = await grabFrom(
    '127.80.3.7',
    23,
    (s) => {
      const timer = setInterval(() => s.writable && s.write('x'), 100)
      s.on('close', () => clearInterval(timer))
    },
    { ...FAST, deadlineMs: 800 },
  )
  assert.equal(record.status, 'io-timeout')
  assert.match(record.banner, /^x{3,}$/)
  assert.ok(ms < 1500, `${ms} ms`)
})

test('a peer that never closes after its prompt is done as soon as the prompt is read', async () => {
  const { record, ms } = await grabFrom('127.80.3.8', 23, (s) => s.write('Password: '))
  assert.equal((record.data.telnet as TelnetResult).prompt_kind, 'password')
  assert.ok(ms < FAST.readTimeoutMs, `${ms} ms`)
})

test('an IAC flood gets a bounded number of answers and the grab ends', async () => {
  const { record, peer } = await grabFrom('127.80.3.9', 23, (s) => {
    const flood = Buffer.alloc(3 * 50_000)
    for (let i = 0; i < 50_000; i++) flood.set([0xff, 0xfd, i % 40], i * 3)
    s.write(flood)
  })
  const telnet = record.data.telnet as TelnetResult
  assert.equal(record.protocol, 'telnet')
  assert.ok(telnet.negotiations > 1000)
  assert.ok((peer.received[0]?.length ?? 0) <= 32 * 3, 'at most 32 answers sent')
})

test('a reset mid-handshake is an io-error that keeps the partial bytes', async () => {
  const { record } = await grabFrom('127.80.3.10', 22, (s) => {
    s.write('SSH-2.0-Open')
    setTimeout(() => s.resetAndDestroy(), 50)
  })
  assert.equal(record.protocol, 'ssh')
  assert.equal(record.status, 'io-error')
  assert.equal(record.banner, 'SSH-2.0-Open')
})

test('a half-open peer (accepts, never speaks, never reads) costs bounded time', async () => {
  const { record, ms } = await grabFrom('127.80.3.11', 22, (s) => s.pause())
  assert.equal(record.status, 'io-timeout')
  assert.ok(ms < 4 * FAST.readTimeoutMs + 500, `${ms} ms`)
})

test('a refused connection is recorded as connection-refused', async () => {
  const record: ScanRecord = await grabService(
    { ip: '127.80.3.12', port: 23, transport: 'tcp' },
    { scanId: 't', limits: FAST },
  )
  assert.equal(record.status, 'connection-refused')
})

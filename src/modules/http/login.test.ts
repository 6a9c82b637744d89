import assert from 'node:assert/strict'
import http from 'node:http'
import type net from 'node:net'
import { after, test } from 'node:test'
import { auditService } from '../../audit/audit-service.js'
import type { Dictionaries } from '../../audit/dictionaries.js'
import type { ScanRecord } from '../../core/record.js'
import { grabService } from '../../grab/grab-service.js'

// 127.50.11.0/24 is this file's block
const servers: http.Server[] = []
after(async () => {
  for (const s of servers) {
    s.closeAllConnections()
    await new Promise((r) => s.close(r))
  }
})

const dict: Dictionaries = {
  mirai: [],
  vendors: [],
  common: ['admin', 'b', 'c'].map((p, i) => ({
    id: `c-${i + 1}`,
    username: 'admin',
    password: p,
    source: 't',
  })),
}
const options = {
  dictionaries: dict,
  pauseMs: 0,
  limits: { readTimeoutMs: 2000, deadlineMs: 5000 },
  retryWaitsMs: { pair: [200], control: [300, 600, 1200] },
}

async function serve(ip: string, handler: http.RequestListener): Promise<number> {
  const server = http.createServer(handler)
  servers.push(server)
  await new Promise<void>((r) => server.listen(0, ip, r))
  return (server.address() as net.AddressInfo).port
}

function basic(req: http.IncomingMessage): string | undefined {
  const h = req.headers.authorization
  return h?.startsWith('Basic ') ? Buffer.from(h.slice(6), 'base64').toString() : undefined
}

/** Basic auth on every path; `ok` decides; a request within `windowMs` after a 200 gets 403. */
function rateLimited(ok: (pair: string) => boolean, windowMs: number): http.RequestListener {
  let lastOk = 0
  return (req, res) => {
    if (Date.now() - lastOk < windowMs) return res.writeHead(403).end('Forbidden')
    const pair = basic(req)
    if (pair !== undefined && ok(pair)) {
      lastOk = Date.now()
      return res.writeHead(200, { 'Content-Type': 'text/html' }).end('<title>cam</title>')
    }
    res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="cam"' }).end()
  }
}

async function audited(ip: string, port: number, vendor?: string) {
  const record: ScanRecord = await grabService({ ip, port, transport: 'tcp' }, { scanId: 'h' })
  if (vendor) record.fingerprint = { vendor, cpe: [] }
  return auditService(record, options)
}

test('HTTP Basic behind a rate limiter that lets anything in: the 403 is waited out, not a refusal', async () => {
  const port = await serve(
    '127.50.11.1',
    rateLimited(() => true, 700),
  )
  const result = await audited('127.50.11.1', port)
  assert.equal(result.result, 'accepts-any-credentials', JSON.stringify(result.evidence))
})

test('a real default behind the same rate limiter is still found, and the controls were refused by 401', async () => {
  const port = await serve(
    '127.50.11.2',
    rateLimited((p) => p === 'admin:c', 700),
  )
  const result = await audited('127.50.11.2', port)
  assert.equal(result.result, 'default-credentials', JSON.stringify(result.evidence))
  assert.equal(result.entry, 'c-3')
  const controls = (result.evidence as { controls: { verdict: string; refusal?: string }[] }).controls
  assert.deepEqual(
    controls.map((c) => [c.verdict, c.refusal]),
    Array(3).fill(['failure', 'http:401 basic']),
  )
})

test('a device that answers every wrong password with 403 is never called safe', async () => {
  const port = await serve('127.50.11.3', (req, res) => {
    if (!req.headers.authorization) return res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="x"' }).end()
    res.writeHead(403).end()
  })
  const result = await audited('127.50.11.3', port)
  assert.equal(result.result, 'unknown')
  assert.match(JSON.stringify(result.evidence), /no explicit refusal/)
})

test('a vendor API path that answers as itself without credentials is no-authentication; a catch-all 200 is not', async () => {
  const open = await serve('127.50.11.4', (req, res) => {
    if (req.url === '/ISAPI/Security/userCheck')
      return res
        .writeHead(200, { 'Content-Type': 'application/xml' })
        .end(
          '<?xml version="1.0"?><userCheck><statusValue>200</statusValue><statusString>OK</statusString></userCheck>',
        )
    res.writeHead(200, { 'Content-Type': 'text/html' }).end('<title>login</title>')
  })
  const result = await audited('127.50.11.4', open, 'Hikvision')
  assert.equal(result.result, 'no-authentication', JSON.stringify(result.evidence))
  assert.match((result.evidence as { reason: string }).reason, /\/ISAPI\/Security\/userCheck answered 200/)
  assert.match((result.evidence as { cited: string }).cited, /<userCheck>/)

  const catchAll = await serve('127.50.11.5', (_req, res) => res.writeHead(200).end('<title>app</title>'))
  const spa = await audited('127.50.11.5', catchAll, 'Hikvision')
  assert.equal(spa.result, 'not-applicable')
})

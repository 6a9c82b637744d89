import assert from 'node:assert/strict'
import http from 'node:http'
import { test } from 'node:test'
import { grabService } from '../../grab/grab-service.js'
import { completeBody, parseHead } from '../../lib/http-head.js'
import { startPeer } from '../../testing/tcp-peer.js'
import type { HttpResult } from './result.js'

async function withServer(
  ip: string,
  port: number,
  handler: http.RequestListener,
  body: () => Promise<void>,
) {
  const server = http.createServer(handler)
  await new Promise<void>((resolve) => server.listen(port, ip, resolve))
  try {
    await body()
  } finally {
    server.closeAllConnections()
    await new Promise<void>((resolve) => server.close(() => resolve()))
  }
}

test('records status, headers in order and case, title, Digest realm and body hash', async () => {
  const page = '<HTML><HEAD><TITLE>401 Unauthorized</TITLE></HEAD></HTML>'
  await withServer(
    '127.80.2.1',
    80,
    (_req, res) => {
      res.writeHead(401, [
        'Server',
        'Boa/0.94.14rc21',
        'WWW-Authenticate',
        'Digest realm="DVR", nonce="abc", qop="auth"',
        'x-Odd-Case',
        '1',
      ])
      res.end(page)
    },
    async () => {
      const record = await grabService({ ip: '127.80.2.1', port: 80, transport: 'tcp' }, { scanId: 't' })
      const h = record.data.http as HttpResult
      assert.equal(record.status, 'success')
      assert.equal(h.status_code, 401)
      assert.deepEqual(
        h.headers.slice(0, 3).map(([n]) => n),
        ['Server', 'WWW-Authenticate', 'x-Odd-Case'],
      )
      assert.equal(h.server, 'Boa/0.94.14rc21')
      assert.equal(h.title, '401 Unauthorized')
      assert.deepEqual(
        {
          scheme: h.www_authenticate?.scheme,
          realm: h.www_authenticate?.realm,
          path: h.www_authenticate?.path,
        },
        { scheme: 'Digest', realm: 'DVR', path: '/' },
      )
      assert.equal(h.body_length, Buffer.byteLength(page))
      assert.match(h.body_sha256 ?? '', /^[0-9a-f]{64}$/)
      assert.match(record.banner, /^HTTP\/1\.1 401 Unauthorized\r\nServer: Boa/)
    },
  )
})

test('records a redirect without following it', async () => {
  let requests = 0
  await withServer(
    '127.80.2.2',
    8080,
    (req, res) => {
      if (req.url === '/') requests++ // favicon and robots.txt are fetched beside it
      res.writeHead(302, { Location: 'http://192.0.2.1/login.htm' }).end()
    },
    async () => {
      const record = await grabService({ ip: '127.80.2.2', port: 8080, transport: 'tcp' }, { scanId: 't' })
      assert.equal((record.data.http as HttpResult).location, 'http://192.0.2.1/login.htm')
      assert.equal(requests, 1)
    },
  )
})

test('reads chunked bodies and bodies ended by close; LF-only heads are accepted', async () => {
  const peer = await startPeer('127.80.2.3', 81, (s) => {
    s.end('HTTP/1.0 200 OK\nServer: mini_httpd/1.19\n\n<title>Router</title>')
  })
  try {
    const record = await grabService({ ip: peer.ip, port: 81, transport: 'tcp' }, { scanId: 't' })
    const h = record.data.http as HttpResult
    assert.equal(h.server, 'mini_httpd/1.19')
    assert.equal(h.title, 'Router')
  } finally {
    await peer.close()
  }
  const raw = Buffer.from(
    'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nWiki\r\n5\r\npedia\r\n0\r\n\r\n',
  )
  const head = parseHead(raw)
  assert.ok(head)
  assert.equal(completeBody(head, raw, false)?.toString(), 'Wikipedia')
  assert.equal(completeBody(head, raw.subarray(0, raw.length - 8), false), undefined)
})

test('a reply that is not HTTP is a protocol error, not a crash', () => {
  assert.throws(() => parseHead(Buffer.from('SSH-2.0-x\r\n\r\n')), /not an HTTP status line/)
})

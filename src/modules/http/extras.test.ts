import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { test } from 'node:test'
import murmurhash from 'murmurhash'
import { grabOnce, tcpPeer } from '../../testing/protocol-peer.js'
import { faviconMmh3, faviconPath } from './extras.js'
import { httpModule } from './index.js'
import type { HttpResult } from './result.js'

const IP = '127.70.16.1'
const ICON = Buffer.from(
  'AAABAAEAEBAAAAEAIABoBAAAFgAAACgAAAAQAAAAIAAAAAEAIAAAAAAAAAQAAAAAAAAAAAAAAAAAAAAAAAD/',
  'base64',
)

test('favicon MD5 and Shodan mmh3, robots.txt rules, as observations', async () => {
  const peer = await tcpPeer(IP, async (s) => {
    const req = (await s.receive((b) => b.includes('\r\n\r\n'))).toString()
    const path = /^GET (\S+)/.exec(req)?.[1]
    if (path === '/') {
      const page =
        '<html><head><link rel="shortcut icon" href="/img/fav.ico"><title>Web Login</title></head></html>'
      s.socket.end(`HTTP/1.1 200 OK\r\nContent-Length: ${page.length}\r\n\r\n${page}`)
    } else if (path === '/img/fav.ico') {
      s.socket.end(
        Buffer.concat([Buffer.from(`HTTP/1.1 200 OK\r\nContent-Length: ${ICON.length}\r\n\r\n`), ICON]),
      )
    } else if (path === '/robots.txt') {
      const robots = 'User-agent: *\nDisallow: /cgi-bin/\nDisallow: /admin\n'
      s.socket.end(`HTTP/1.1 200 OK\r\nContent-Length: ${robots.length}\r\n\r\n${robots}`)
    } else s.socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n')
  })
  try {
    const out = await grabOnce(httpModule, peer.target)
    assert.equal(out.status, 'success', out.error)
    const r = out.result as HttpResult
    assert.equal(r.favicon?.path, '/img/fav.ico')
    assert.equal(r.favicon?.md5, createHash('md5').update(ICON).digest('hex'))
    assert.equal(r.favicon?.mmh3, faviconMmh3(ICON))
    assert.deepEqual(r.robots_txt, { present: true, status_code: 200, disallow: ['/cgi-bin/', '/admin'] })
    const keys = httpModule.describe(r).observations.map((o) => o.key)
    assert.ok(keys.includes('http.favicon.md5') && keys.includes('http.favicon.hash'))
  } finally {
    await peer.close()
  }
})

test('no favicon and an HTML 200 for robots.txt (catch-all servers) are not presence', async () => {
  const peer = await tcpPeer(IP, async (s) => {
    const req = (await s.receive((b) => b.includes('\r\n\r\n'))).toString()
    const path = /^GET (\S+)/.exec(req)?.[1]
    if (path === '/favicon.ico') s.socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n')
    else s.socket.end('HTTP/1.1 200 OK\r\nContent-Length: 13\r\n\r\n<html></html>')
  })
  try {
    const out = await grabOnce(httpModule, peer.target)
    const r = out.result as HttpResult
    assert.deepEqual(r.favicon, { path: '/favicon.ico', status_code: 404, size: 0 })
    assert.equal(r.robots_txt?.present, false)
  } finally {
    await peer.close()
  }
})

test('mmh3 matches the reference vectors; icon paths never leave the host', () => {
  // MurmurHash3 x86_32 reference vector, then Python's base64.encodebytes layout (76 per line, final \n)
  assert.equal(murmurhash.v3('hello'), 0x248bfa47)
  const python =
    'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4\n' +
    'OTo7PD0+P0BBQkNERUZHSElKS0xNTk9QUVJTVFVWV1hZWltcXV5fYGFiYw==\n'
  const bytes = Buffer.from(Array.from({ length: 100 }, (_, i) => i))
  assert.equal(faviconMmh3(bytes), murmurhash.v3(python) | 0)
  assert.equal(faviconMmh3(Buffer.from('')), 0)
  assert.equal(faviconPath('<link rel="icon" href="//evil.example/x.ico">'), '/favicon.ico')
  assert.equal(faviconPath('<link rel="icon" href="http://192.0.2.1/x.ico">'), '/favicon.ico')
  assert.equal(faviconPath('<link rel=icon href=static/i.png>'), '/static/i.png')
  assert.equal(faviconPath(undefined), '/favicon.ico')
})

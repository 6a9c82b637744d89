import assert from 'node:assert/strict'
import { test } from 'node:test'
import { grabOnce, tcpPeer } from '../../testing/protocol-peer.js'
import { tr069Module } from './index.js'

const IP = '127.70.14.1'

test('a CPE connection-request server: 401 Digest, RomPager, realm', async () => {
  const peer = await tcpPeer(IP, async (s) => {
    await s.receive((b) => b.includes('\r\n\r\n'))
    s.socket.end(
      'HTTP/1.1 401 Unauthorized\r\nServer: RomPager/4.07 UPnP/1.0\r\n' +
        'WWW-Authenticate: Digest realm="IgdAuthentication", nonce="1", qop="auth"\r\nContent-Length: 0\r\n\r\n',
    )
  })
  try {
    const out = await grabOnce(tr069Module, peer.target)
    assert.equal(out.status, 'success', out.error)
    assert.equal(out.result?.status_code, 401)
    assert.equal(out.result?.server, 'RomPager/4.07 UPnP/1.0')
    assert.deepEqual(out.result?.auth, { scheme: 'Digest', realm: 'IgdAuthentication' })
    assert.deepEqual(out.result?.cwmp_evidence, ['server'])
    assert.deepEqual(
      tr069Module.describe(out.result as never).observations.map((o) => o.key),
      ['tr069.server', 'tr069.realm'],
    )
  } finally {
    await peer.close()
  }
})

test('bad input: not HTTP, silence, truncated headers', async () => {
  const peers = await Promise.all([
    tcpPeer(IP, (s) => s.socket.end('SSH-2.0-dropbear\r\n\r\n')),
    tcpPeer(IP, () => {}),
    tcpPeer(IP, (s) => s.socket.end('HTTP/1.1 200 OK\r\nServer: gSOAP')),
  ])
  try {
    const outs = await Promise.all(peers.map((p) => grabOnce(tr069Module, p.target, { readTimeoutMs: 300 })))
    assert.deepEqual(
      outs.map((o) => o.status),
      ['protocol-error', 'io-timeout', 'io-error'],
    )
  } finally {
    await Promise.all(peers.map((p) => p.close()))
  }
})

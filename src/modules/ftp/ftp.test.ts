import assert from 'node:assert/strict'
import { test } from 'node:test'
import { fuzz, onlyProtocolError, pieces } from '../../testing/fuzz.js'
import { grabOnce, type PeerSession, tcpPeer } from '../../testing/protocol-peer.js'
import { ftpModule } from './index.js'
import { featureList, parseReply } from './wire.js'

const IP = '127.70.2.1'

/** A pre-login FTP dialogue like vsftpd's, with anonymous login allowed or not. */
function ftpServer(anonymous: boolean) {
  return async (s: PeerSession) => {
    s.socket.write('220-Welcome to the\r\n220 (vsFTPd 3.0.3)\r\n')
    const answers: [RegExp, string][] = [
      [/FEAT\r\n$/, '211-Features:\r\n EPRT\r\n AUTH TLS\r\n UTF8\r\n211 End\r\n'],
      [/SYST\r\n$/, '215 UNIX Type: L8\r\n'],
      [/USER anonymous\r\n$/, '331 Please specify the password.\r\n'],
      [/PASS .*\r\n$/, anonymous ? '230 Login successful.\r\n' : '530 Login incorrect.\r\n'],
    ]
    for (const [ask, reply] of answers) {
      await s.receive((b) => ask.test(b.toString()))
      if (s.socket.destroyed) return
      s.socket.write(reply)
    }
    await s.receive((b) => b.toString().endsWith('QUIT\r\n'))
    s.socket.end('221 Goodbye.\r\n')
  }
}

test('multi-line greeting, FEAT, SYST and an anonymous login', async () => {
  const peer = await tcpPeer(IP, ftpServer(true))
  try {
    const out = await grabOnce(ftpModule, peer.target)
    assert.equal(out.status, 'success')
    assert.equal(out.result?.banner, 'Welcome to the\n(vsFTPd 3.0.3)')
    assert.deepEqual(out.result?.features, ['EPRT', 'AUTH TLS', 'UTF8'])
    assert.equal(out.result?.auth_tls, true)
    assert.equal(out.result?.syst, 'UNIX Type: L8')
    assert.equal(out.result?.anonymous, true)
    const d = ftpModule.describe(out.result as never)
    assert.deepEqual(
      d.observations.map((o) => o.key),
      ['ftp.banner', 'ftp.syst'],
    )
  } finally {
    await peer.close()
  }
})

test('anonymous refused is recorded as false', async () => {
  const peer = await tcpPeer(IP, ftpServer(false))
  try {
    const out = await grabOnce(ftpModule, peer.target)
    assert.equal(out.status, 'success')
    assert.equal(out.result?.anonymous, false)
    assert.match(out.result?.anonymous_reply ?? '', /^530/)
  } finally {
    await peer.close()
  }
})

test('a server that refuses every command before login is still identified', async () => {
  const peer = await tcpPeer(IP, async (s) => {
    s.socket.write('220 ProFTPD Server ready.\r\n')
    for (let i = 0; i < 4; i++) {
      const before = (await s.receive(() => true)).length
      await s.receive((b) => b.length > before && b.toString().endsWith('\r\n'))
      s.socket.write('530 Please login with USER and PASS\r\n')
    }
  })
  try {
    const out = await grabOnce(ftpModule, peer.target)
    assert.equal(out.status, 'success')
    assert.equal(out.result?.features, undefined)
    assert.equal(out.result?.syst, undefined)
  } finally {
    await peer.close()
  }
})

test('bad input: wrong protocol, truncated greeting, oversized greeting', async () => {
  const wrong = await tcpPeer(IP, (s) => s.socket.end('SSH-2.0-OpenSSH_9.2\r\n'))
  const cut = await tcpPeer(IP, (s) => s.socket.end('220-multi line that never\r\n'))
  const huge = await tcpPeer(IP, (s) => {
    s.socket.write('220-')
    s.socket.write(Buffer.alloc(200_000, 0x41))
  })
  try {
    assert.equal((await grabOnce(ftpModule, wrong.target)).status, 'protocol-error')
    assert.equal((await grabOnce(ftpModule, cut.target)).status, 'io-error')
    const big = await grabOnce(ftpModule, huge.target, { maxBytes: 16_384, readTimeoutMs: 500 })
    assert.notEqual(big.status, 'success')
  } finally {
    await Promise.all([wrong.close(), cut.close(), huge.close()])
  }
})

test('reply parser: complete, partial, and fuzzed input never throws anything but ProtocolError', () => {
  assert.equal(parseReply(Buffer.from('22')), undefined)
  assert.equal(parseReply(Buffer.from('220 hi')), undefined)
  assert.deepEqual(parseReply(Buffer.from('220 hi\r\n')), { code: 220, lines: ['220 hi'], length: 8 })
  const feat = parseReply(Buffer.from('211-Features:\r\n MDTM\r\n211 End\r\n'))
  assert.ok(feat)
  assert.deepEqual(featureList(feat), ['MDTM'])
  const alphabet = ['2', '1', '0', '-', ' ', '\r', '\n', 'x', '\xff']
  fuzz(
    7,
    3000,
    (rng) => pieces(rng, alphabet, 39),
    (s) => {
      const r = onlyProtocolError(() => parseReply(Buffer.from(s, 'latin1')))
      if (r) assert.ok(r.length <= s.length && r.code >= 0)
    },
  )
})

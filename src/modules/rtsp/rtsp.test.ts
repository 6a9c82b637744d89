import assert from 'node:assert/strict'
import { test } from 'node:test'
import { fuzz, onlyProtocolError, pieces } from '../../testing/fuzz.js'
import { grabOnce, type PeerSession, tcpPeer } from '../../testing/protocol-peer.js'
import { rtspModule } from './index.js'
import { parseResponse, summarizeSdp } from './wire.js'

const IP = '127.70.3.1'

const SDP =
  'v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=IP Camera Video\r\nm=video 0 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\n' +
  'm=audio 0 RTP/AVP 8\r\na=rtpmap:8 PCMA/8000\r\n'

/** A camera's RTSP server: OPTIONS, then DESCRIBE answered by `describe(path)`. */
function camera(describe: (path: string) => { code: number; headers?: string; body?: string }) {
  return async (s: PeerSession) => {
    let handled = 0
    while (!s.socket.destroyed) {
      const all = await s.receive((b) => b.toString().split('\r\n\r\n').length - 1 > handled)
      if (s.socket.destroyed || s.socket.readableEnded) return
      const req = all.toString().split('\r\n\r\n')[handled] ?? ''
      handled++
      const cseq = /CSeq: (\d+)/.exec(req)?.[1]
      if (req.startsWith('OPTIONS')) {
        s.socket.write(
          `RTSP/1.0 200 OK\r\nCSeq: ${cseq}\r\nServer: Hipcam RealServer/V1.0\r\nPublic: OPTIONS, DESCRIBE, SETUP, PLAY, TEARDOWN\r\n\r\n`,
        )
        continue
      }
      const path = (/DESCRIBE rtsp:\/\/[^/]+(\S*)/.exec(req)?.[1] ?? '/') || '/'
      const r = describe(path)
      const body = r.body ?? ''
      s.socket.write(
        `RTSP/1.0 ${r.code} X\r\nCSeq: ${cseq}\r\n${r.headers ?? ''}Content-Length: ${body.length}\r\n\r\n${body}`,
      )
    }
  }
}

test('unauthenticated stream on a camera path: the finding evidence is recorded', async () => {
  const peer = await tcpPeer(
    IP,
    camera((path) => (path === '/11' ? { code: 200, body: SDP } : { code: 404 })),
  )
  try {
    const out = await grabOnce(rtspModule, peer.target)
    assert.equal(out.status, 'success')
    assert.equal(out.result?.server, 'Hipcam RealServer/V1.0')
    assert.deepEqual(out.result?.public, ['OPTIONS', 'DESCRIBE', 'SETUP', 'PLAY', 'TEARDOWN'])
    assert.deepEqual(out.result?.unauthenticated_stream, {
      path: '/11',
      session: 'IP Camera Video',
      media: ['video H264', 'audio PCMA'],
    })
    assert.equal(out.result?.describe.length, 5)
    const d = rtspModule.describe(out.result as never)
    assert.deepEqual(d.observations[0], { key: 'rtsp.server', value: 'Hipcam RealServer/V1.0' })
  } finally {
    await peer.close()
  }
})

test('a camera asking for digest credentials: scheme and realm, no stream', async () => {
  const peer = await tcpPeer(
    IP,
    camera(() => ({
      code: 401,
      headers: 'WWW-Authenticate: Digest realm="IP Camera(C6496)", nonce="abc"\r\n',
    })),
  )
  try {
    const out = await grabOnce(rtspModule, peer.target)
    assert.equal(out.status, 'success')
    assert.deepEqual(out.result?.auth, { scheme: 'Digest', realm: 'IP Camera(C6496)' })
    assert.equal(out.result?.unauthenticated_stream, undefined)
    assert.equal(out.result?.describe.length, 1)
  } finally {
    await peer.close()
  }
})

test('a server that closes after every response is redialled', async () => {
  const peer = await tcpPeer(IP, async (s) => {
    const req = (await s.receive((b) => b.includes('\r\n\r\n'))).toString()
    const cseq = /CSeq: (\d+)/.exec(req)?.[1]
    const body = req.startsWith('DESCRIBE') ? SDP : ''
    s.socket.end(`RTSP/1.0 200 OK\r\nCSeq: ${cseq}\r\nContent-Length: ${body.length}\r\n\r\n${body}`)
  })
  try {
    const out = await grabOnce(rtspModule, peer.target)
    assert.equal(out.status, 'success')
    assert.equal(out.result?.unauthenticated_stream?.path, '/')
  } finally {
    await peer.close()
  }
})

test('bad input: HTTP on the RTSP port, truncated response, oversized body', async () => {
  const http = await tcpPeer(IP, (s) => s.socket.end('HTTP/1.1 400 Bad Request\r\n\r\n'))
  const cut = await tcpPeer(IP, (s) => s.socket.end('RTSP/1.0 200 OK\r\nCSeq: 1\r\n'))
  const huge = await tcpPeer(IP, (s) => {
    s.socket.write('RTSP/1.0 200 OK\r\nCSeq: 1\r\nContent-Length: 99999999\r\n\r\n')
    s.socket.write(Buffer.alloc(100_000, 0x61))
  })
  try {
    assert.equal((await grabOnce(rtspModule, http.target)).status, 'protocol-error')
    assert.equal((await grabOnce(rtspModule, cut.target)).status, 'io-error')
    const big = await grabOnce(rtspModule, huge.target, { maxBytes: 32_768, readTimeoutMs: 300 })
    assert.equal(big.status, 'success') // OPTIONS identified it; the DESCRIBE ran out of budget
  } finally {
    await Promise.all([http.close(), cut.close(), huge.close()])
  }
})

test('response parser fuzz: only complete responses or ProtocolError', () => {
  assert.equal(parseResponse(Buffer.from('RTS')), undefined)
  assert.equal(parseResponse(Buffer.from('RTSP/1.0 200 OK\r\nContent-Length: 5\r\n\r\nab')), undefined)
  assert.equal(summarizeSdp('m=video 0 RTP/AVP 96\na=rtpmap:96 H265/90000').media[0], 'video H265')
  const parts = [
    'RTSP/1.0 ',
    '200',
    ' OK',
    '\r\n',
    'Content-Length: ',
    '9',
    '-1',
    ':',
    '\n',
    'x',
    'm=video',
    'a=rtpmap:1 ',
  ]
  fuzz(
    11,
    3000,
    (rng) => pieces(rng, parts, 11),
    (s) => {
      const r = onlyProtocolError(() => parseResponse(Buffer.from(s)))
      if (r) assert.ok(r.body.length <= s.length)
      summarizeSdp(s)
    },
  )
})

import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { after, test } from 'node:test'
import { auditService } from '../../audit/audit-service.js'
import type { Dictionaries } from '../../audit/dictionaries.js'
import type { ScanRecord } from '../../core/record.js'
import { grabOnce, tcpPeer } from '../../testing/protocol-peer.js'
import { rtspModule } from './index.js'

const peers: { close(): Promise<void> }[] = []
after(async () => {
  for (const p of peers) await p.close()
})

const md5 = (s: string) => createHash('md5').update(s).digest('hex')
const dict: Dictionaries = {
  mirai: [],
  vendors: [],
  common: [
    { id: 'c-1', username: 'admin', password: 'wrong', source: 't' },
    { id: 'c-2', username: 'admin', password: '12345', source: 't' },
  ],
}

/** A camera that wants Digest (RFC 2069 form, no qop) on every DESCRIBE; checks the response itself. */
function camera(realm: string, nonce: string, user: string, pass: string, scheme: 'Digest' | 'Basic') {
  return async ({ socket, receive }: Parameters<Parameters<typeof tcpPeer>[1]>[0]) => {
    let seen = 0
    for (;;) {
      const all = await receive((b) => b.indexOf('\r\n\r\n', seen) >= 0)
      const end = all.indexOf('\r\n\r\n', seen)
      if (end < 0) return
      const req = all.subarray(seen, end).toString('latin1')
      seen = end + 4
      const cseq = /CSeq: (\d+)/i.exec(req)?.[1] ?? '0'
      const [method, uri] = req.split(' ')
      const auth = /Authorization: (.*)/i.exec(req)?.[1]
      let ok = false
      if (auth && scheme === 'Basic')
        ok = auth === `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`
      if (auth && scheme === 'Digest') {
        const got = /response="([0-9a-f]+)"/.exec(auth)?.[1]
        ok = got === md5(`${md5(`${user}:${realm}:${pass}`)}:${nonce}:${md5(`${method}:${uri}`)}`)
      }
      if (method === 'OPTIONS')
        socket.write(`RTSP/1.0 200 OK\r\nCSeq: ${cseq}\r\nPublic: OPTIONS, DESCRIBE\r\n\r\n`)
      else if (ok) socket.write(`RTSP/1.0 200 OK\r\nCSeq: ${cseq}\r\nContent-Length: 0\r\n\r\n`)
      else {
        const challenge =
          scheme === 'Digest' ? `Digest realm="${realm}", nonce="${nonce}"` : `Basic realm="${realm}"`
        socket.write(`RTSP/1.0 401 Unauthorized\r\nCSeq: ${cseq}\r\nWWW-Authenticate: ${challenge}\r\n\r\n`)
      }
    }
  }
}

for (const [i, scheme] of (['Digest', 'Basic'] as const).entries()) {
  test(`RTSP DESCRIBE with ${scheme}: finds the pair, a wrong one is refused`, async () => {
    const peer = await tcpPeer(
      `127.50.3.${i + 1}`,
      camera('IP Camera(23145)', 'a1b2c3', 'admin', '12345', scheme),
    )
    peers.push(peer)
    const grab = await grabOnce(rtspModule, peer.target)
    assert.equal(grab.result?.auth?.scheme, scheme)
    const record: ScanRecord = {
      ...peer.target,
      protocol: 'rtsp',
      timestamp: '',
      scan_id: 't',
      status: grab.status,
      banner: '',
      data: { rtsp: grab.result },
    }
    const result = await auditService(record, { dictionaries: dict, pauseMs: 0 })
    assert.equal(result.result, 'default-credentials')
    assert.equal(result.entry, 'c-2')
    assert.equal(result.tried, 2)
    assert.ok(!JSON.stringify(result).includes('12345'))
  })
}

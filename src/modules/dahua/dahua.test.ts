import assert from 'node:assert/strict'
import { test } from 'node:test'
import { fuzz, mutate, onlyProtocolError } from '../../testing/fuzz.js'
import { grabOnce, tcpPeer } from '../../testing/protocol-peer.js'
import { dahuaModule } from './index.js'
import { parseFrame, request } from './wire.js'

const IP = '127.70.12.1'

function frame(body: object): Buffer {
  return request(1, body) // the same framing both ways
}

test('a session-less call is refused in a DHIP frame: the service is identified', async () => {
  let method: unknown
  const peer = await tcpPeer(IP, async (s) => {
    const got = await s.receive((b) => parseFrame(b) !== undefined)
    method = (JSON.parse((parseFrame(got)?.body ?? Buffer.from('{}')).toString()) as { method?: unknown })
      .method
    s.socket.write(
      frame({
        error: { code: 287637505, message: 'Invalid session in request data!' },
        id: 1,
        result: false,
        session: 0,
      }),
    )
  })
  try {
    const out = await grabOnce(dahuaModule, peer.target)
    assert.equal(out.status, 'success', out.error)
    assert.equal(method, 'magicBox.getDeviceType')
    assert.deepEqual(out.result, {
      dhip: true,
      error_code: 287637505,
      error_message: 'Invalid session in request data!',
    })
  } finally {
    await peer.close()
  }
})

test('bad input: not DHIP, non-JSON body, oversized length; parser fuzz', async () => {
  const big = request(1, {})
  big.writeUInt32LE(0x7fffffff, 16)
  const notJson = Buffer.concat([
    request(1, {}).subarray(0, 16),
    Buffer.from([3, 0, 0, 0]),
    Buffer.alloc(12),
    Buffer.from('abc'),
  ])
  const peers = await Promise.all([
    tcpPeer(IP, (s) => s.socket.end('220 FTP\r\n')),
    tcpPeer(IP, (s) => s.socket.end(notJson)),
    tcpPeer(IP, (s) => s.socket.end(big)),
  ])
  try {
    const outs = await Promise.all(peers.map((p) => grabOnce(dahuaModule, p.target)))
    assert.deepEqual(
      outs.map((o) => o.status),
      ['protocol-error', 'success', 'protocol-error'],
    )
    assert.equal(outs[1]?.result?.dhip, true)
  } finally {
    await Promise.all(peers.map((p) => p.close()))
  }
  const good = frame({ id: 1 })
  fuzz(
    29,
    3000,
    (rng) => mutate(rng, good),
    (buf) => onlyProtocolError(() => parseFrame(buf)),
  )
})

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { fuzz, onlyProtocolError, randomBytes } from '../../testing/fuzz.js'
import { grabOnce, udpPeer } from '../../testing/protocol-peer.js'
import { coapModule } from './index.js'
import { getRequest, parseLinkFormat, parseMessage } from './wire.js'

const IP = '127.70.7.1'
const CORE = '</sensors/temp>;rt="temperature-c";if="sensor";ct=0,</light>;title="Lamp",</.well-known/core>'

/** An ACK (piggybacked) or CON (separate) 2.05 response echoing the request's token. */
function response(req: Buffer, type: number, messageId: number, payload: string): Buffer {
  const tkl = (req[0] as number) & 0x0f
  const token = req.subarray(4, 4 + tkl)
  return Buffer.concat([
    Buffer.from([0x40 | (type << 4) | tkl, 0x45, messageId >> 8, messageId & 0xff]),
    token,
    Buffer.from([0xc1, 40]), // Content-Format 40: application/link-format
    Buffer.from([0xff]),
    Buffer.from(payload),
  ])
}

test('piggybacked 2.05: the resource list', async () => {
  const peer = await udpPeer(IP, (req, send) => send(response(req, 2, req.readUInt16BE(2), CORE)))
  try {
    const out = await grabOnce(coapModule, peer.target)
    assert.equal(out.status, 'success', out.error)
    assert.equal(out.result?.code, '2.05')
    assert.equal(out.result?.content_format, 40)
    assert.deepEqual(out.result?.resources, [
      { path: '/sensors/temp', rt: 'temperature-c', if: 'sensor', ct: '0' },
      { path: '/light', title: 'Lamp' },
      { path: '/.well-known/core' },
    ])
    const req = parseMessage(peer.requests[0] as Buffer)
    assert.deepEqual(
      req.options.map((o) => o.value.toString()),
      ['.well-known', 'core'],
    )
    assert.equal(coapModule.describe(out.result as never).observations[0]?.key, 'coap.resources')
  } finally {
    await peer.close()
  }
})

test('separate response: an empty ACK first, the answer in its own CON message', async () => {
  const peer = await udpPeer(IP, (req, send) => {
    send(Buffer.from([0x60, 0x00, req[2] as number, req[3] as number]))
    setTimeout(() => send(response(req, 0, 0x7777, '</a>')), 50)
  })
  try {
    const out = await grabOnce(coapModule, peer.target)
    assert.equal(out.status, 'success', out.error)
    assert.deepEqual(out.result?.resources, [{ path: '/a' }])
  } finally {
    await peer.close()
  }
})

test('bad input: reset, not CoAP, truncated options', async () => {
  const reset = await udpPeer(IP, (req, send) =>
    send(Buffer.from([0x70, 0, req[2] as number, req[3] as number])),
  )
  const dns = await udpPeer(IP, (_r, send) => send(Buffer.from('\x12\x34\x81\x80\x00\x01', 'latin1')))
  const cut = await udpPeer(IP, (req, send) =>
    send(Buffer.concat([response(req, 2, 1, '').subarray(0, 8), Buffer.from([0xc5, 0x01])])),
  )
  try {
    assert.equal((await grabOnce(coapModule, reset.target)).status, 'protocol-error')
    assert.equal((await grabOnce(coapModule, dns.target)).status, 'protocol-error')
    assert.equal((await grabOnce(coapModule, cut.target)).status, 'protocol-error')
  } finally {
    await Promise.all([reset.close(), dns.close(), cut.close()])
  }
})

test('wire: request encoding round-trips, parser and link-format fuzz', () => {
  const req = parseMessage(getRequest('a/bcdefghijklmnop', 9, Buffer.from([1, 2])))
  assert.equal(req.code, '0.01')
  assert.deepEqual(
    req.options.map((o) => [o.number, o.value.toString()]),
    [
      [11, 'a'],
      [11, 'bcdefghijklmnop'],
    ],
  )
  assert.equal(parseLinkFormat('garbage,<,>;;=').length, 1)
  fuzz(
    21,
    5000,
    (rng) => {
      const buf = randomBytes(rng, 29)
      // half of them with CoAP's version bits, to get past the first check
      if (buf.length > 0 && rng.chance(0.5)) buf[0] = 0x40 | ((buf[0] as number) & 0x3f)
      return buf
    },
    (buf) => {
      const m = onlyProtocolError(() => parseMessage(buf))
      if (m) assert.ok(m.payload.length <= buf.length)
      parseLinkFormat(buf.toString('latin1'))
    },
  )
})

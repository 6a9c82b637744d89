import assert from 'node:assert/strict'
import { test } from 'node:test'
import { fuzz, mutate, onlyProtocolError } from '../../testing/fuzz.js'
import { grabOnce, tcpPeer } from '../../testing/protocol-peer.js'
import { adbModule } from './index.js'
import { A_AUTH, A_CNXN, parseBanner, parseMessage } from './wire.js'

const IP = '127.70.9.1'

function message(command: number, payload: Buffer, arg0 = 0x01000001): Buffer {
  const h = Buffer.alloc(24)
  h.writeUInt32LE(command, 0)
  h.writeUInt32LE(arg0, 4)
  h.writeUInt32LE(4096, 8)
  h.writeUInt32LE(payload.length, 12)
  h.writeUInt32LE(0, 16)
  h.writeUInt32LE((command ^ 0xffffffff) >>> 0, 20)
  return Buffer.concat([h, payload])
}

const BANNER =
  'device::ro.product.name=tvbox;ro.product.model=X96 Max;ro.product.device=p281;features=shell_v2,cmd\0'

test('an open ADB: CNXN answered with the device banner', async () => {
  const peer = await tcpPeer(IP, async (s) => {
    const got = await s.receive((b) => b.length >= 31)
    assert.equal(parseMessage(got)?.payload.toString(), 'host::\0')
    s.socket.write(message(A_CNXN, Buffer.from(BANNER)))
  })
  try {
    const out = await grabOnce(adbModule, peer.target)
    assert.equal(out.status, 'success', out.error)
    assert.equal(out.result?.connected, true)
    assert.equal(out.result?.system_type, 'device')
    assert.deepEqual(out.result?.properties, {
      'ro.product.name': 'tvbox',
      'ro.product.model': 'X96 Max',
      'ro.product.device': 'p281',
    })
    assert.deepEqual(out.result?.features, ['shell_v2', 'cmd'])
    assert.equal(adbModule.describe(out.result as never).observations[1]?.value, 'X96 Max')
  } finally {
    await peer.close()
  }
})

test('an ADB that wants a key: AUTH recorded, nothing more sent', async () => {
  let extra = 0
  const peer = await tcpPeer(IP, async (s) => {
    const first = await s.receive((b) => b.length >= 31)
    s.socket.write(message(A_AUTH, Buffer.alloc(20, 1), 1))
    const after = await s.receive((b) => b.length > first.length)
    extra = after.length - first.length
  })
  try {
    const out = await grabOnce(adbModule, peer.target)
    assert.equal(out.status, 'success')
    assert.equal(out.result?.auth_required, true)
    assert.equal(out.result?.connected, false)
    assert.equal(extra, 0)
  } finally {
    await peer.close()
  }
})

test('bad input: wrong protocol, bad magic, truncated, oversized payload', async () => {
  const bad = message(A_CNXN, Buffer.from('x'))
  bad.writeUInt32LE(0, 20)
  const huge = message(A_CNXN, Buffer.alloc(0))
  huge.writeUInt32LE(0x7fffffff, 12)
  const peers = await Promise.all([
    tcpPeer(IP, (s) => s.socket.end('HTTP/1.1 400 Bad Request\r\n\r\n')),
    tcpPeer(IP, (s) => s.socket.end(bad)),
    tcpPeer(IP, (s) => s.socket.end(message(A_CNXN, Buffer.from(BANNER)).subarray(0, 40))),
    tcpPeer(IP, (s) => s.socket.end(huge)),
  ])
  try {
    const outs = await Promise.all(peers.map((p) => grabOnce(adbModule, p.target)))
    assert.deepEqual(
      outs.map((o) => o.status),
      ['protocol-error', 'protocol-error', 'io-error', 'protocol-error'],
    )
  } finally {
    await Promise.all(peers.map((p) => p.close()))
  }
})

test('wire fuzz: messages and banners', () => {
  assert.deepEqual(parseBanner('bootloader:ABC123:'), {
    system_type: 'bootloader',
    serial: 'ABC123',
    properties: {},
  })
  const good = message(A_CNXN, Buffer.from(BANNER))
  fuzz(
    17,
    4000,
    (rng) => mutate(rng, good),
    (buf) => {
      onlyProtocolError(() => parseMessage(buf))
      parseBanner(buf.toString('latin1'))
    },
  )
})

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { fuzz, mutate, onlyProtocolError } from '../../testing/fuzz.js'
import { grabOnce, tcpPeer } from '../../testing/protocol-peer.js'
import { dvripModule } from './index.js'
import { parseBody, parseMessage, SYSINFO_REQ } from './wire.js'

const IP = '127.70.11.1'

function reply(messageId: number, body: object): Buffer {
  const json = Buffer.concat([Buffer.from(JSON.stringify(body)), Buffer.from('\n\0')])
  const h = Buffer.alloc(20)
  h.writeUInt8(0xff, 0)
  h.writeUInt8(1, 1)
  h.writeUInt16LE(messageId, 14)
  h.writeUInt32LE(json.length, 16)
  return Buffer.concat([h, json])
}

test('a DVR that refuses without login: identified by reply shape and Ret', async () => {
  let asked: number | undefined
  const peer = await tcpPeer(IP, async (s) => {
    const req = await s.receive((b) => parseMessage(b) !== undefined)
    asked = parseMessage(req)?.messageId
    s.socket.write(reply(1021, { Name: 'SystemInfo', Ret: 103, SessionID: '0x00000000' }))
  })
  try {
    const out = await grabOnce(dvripModule, peer.target)
    assert.equal(out.status, 'success', out.error)
    assert.equal(asked, SYSINFO_REQ)
    assert.deepEqual(out.result, { version: 1, message_id: 1021, ret: 103 })
    assert.equal(dvripModule.describe(out.result as never).banner, 'DVRIP reply 1021 Ret 103')
  } finally {
    await peer.close()
  }
})

test('a DVR that hands out SystemInfo without login: model and versions, serial masked', async () => {
  const peer = await tcpPeer(IP, async (s) => {
    await s.receive((b) => parseMessage(b) !== undefined)
    s.socket.write(
      reply(1021, {
        Name: 'SystemInfo',
        Ret: 100,
        SystemInfo: {
          HardWare: 'HI3518E_50H10L_S39',
          SoftWareVersion: 'V4.02.R12.00035520.12012',
          SerialNo: 'a1b2c3d4e5f6',
        },
      }),
    )
  })
  try {
    const out = await grabOnce(dvripModule, peer.target)
    assert.equal(out.result?.system_info?.hardware, 'HI3518E_50H10L_S39')
    assert.equal(out.result?.system_info?.serial_masked, '********e5f6')
    assert.equal(dvripModule.describe(out.result as never).observations.length, 2)
  } finally {
    await peer.close()
  }
})

test('bad input: wrong protocol, truncated, oversized length; parser fuzz', async () => {
  const big = Buffer.alloc(20)
  big[0] = 0xff
  big.writeUInt32LE(0x7fffffff, 16)
  const peers = await Promise.all([
    tcpPeer(IP, (s) => s.socket.end('HTTP/1.0 200 OK\r\n\r\n')),
    tcpPeer(IP, (s) => s.socket.end(reply(1021, { Ret: 100 }).subarray(0, 25))),
    tcpPeer(IP, (s) => s.socket.end(big)),
  ])
  try {
    const outs = await Promise.all(peers.map((p) => grabOnce(dvripModule, p.target)))
    assert.deepEqual(
      outs.map((o) => o.status),
      ['protocol-error', 'io-error', 'protocol-error'],
    )
  } finally {
    await Promise.all(peers.map((p) => p.close()))
  }
  const good = reply(1021, { Ret: 100, SystemInfo: { HardWare: 'x' } })
  fuzz(
    23,
    3000,
    (rng) => mutate(rng, good),
    (buf) =>
      onlyProtocolError(() => {
        const m = parseMessage(buf)
        if (m) parseBody(m.body)
      }),
  )
})

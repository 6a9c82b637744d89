import assert from 'node:assert/strict'
import { test } from 'node:test'
import { fuzz, mutate, onlyProtocolError } from '../../testing/fuzz.js'
import { grabOnce, type PeerSession, tcpPeer } from '../../testing/protocol-peer.js'
import { modbusModule } from './index.js'
import { parseDeviceId, parseFrame } from './wire.js'

const IP = '127.70.10.1'

function frame(tid: number, unit: number, pdu: Buffer): Buffer {
  const h = Buffer.alloc(7)
  h.writeUInt16BE(tid, 0)
  h.writeUInt16BE(pdu.length + 1, 4)
  h.writeUInt8(unit, 6)
  return Buffer.concat([h, pdu])
}

function objects(list: [number, string][], more = false, next = 0): Buffer {
  const body = list.map(([id, v]) => Buffer.concat([Buffer.from([id, v.length]), Buffer.from(v)]))
  return Buffer.concat([Buffer.from([0x2b, 0x0e, 1, 0x81, more ? 0xff : 0, next, list.length]), ...body])
}

/** A PLC answering device identification in two parts; `writes` records any function other than 43. */
function plc(writes: number[], gatewayUnit?: number) {
  return async (s: PeerSession) => {
    let offset = 0
    for (let i = 0; i < 6; i++) {
      const got = await s.receive((b) => b.length >= offset + 11)
      if (s.socket.destroyed || got.length < offset + 11) return
      const req = got.subarray(offset, offset + 11)
      offset += 11
      const tid = req.readUInt16BE(0)
      const unit = req[6] as number
      if (req[7] !== 0x2b) writes.push(req[7] as number)
      if (gatewayUnit !== undefined && unit !== gatewayUnit) {
        s.socket.write(frame(tid, unit, Buffer.from([0xab, 0x0b])))
      } else if (req[10] === 0) {
        s.socket.write(
          frame(
            tid,
            unit,
            objects(
              [
                [0, 'Schneider Electric'],
                [1, 'BMX P34 2020'],
              ],
              true,
              2,
            ),
          ),
        )
      } else {
        s.socket.write(frame(tid, unit, objects([[2, 'v2.70']])))
      }
    }
  }
}

test('device identification over two answers; only function 43 is ever sent', async () => {
  const writes: number[] = []
  const peer = await tcpPeer(IP, plc(writes))
  try {
    const out = await grabOnce(modbusModule, peer.target)
    assert.equal(out.status, 'success', out.error)
    assert.equal(out.result?.vendor_name, 'Schneider Electric')
    assert.equal(out.result?.product_code, 'BMX P34 2020')
    assert.equal(out.result?.revision, 'v2.70')
    assert.equal(out.result?.unit_id, 0)
    assert.deepEqual(writes, [])
  } finally {
    await peer.close()
  }
})

test('a gateway without unit 0: the next unit id answers', async () => {
  const writes: number[] = []
  const peer = await tcpPeer(IP, plc(writes, 1))
  try {
    const out = await grabOnce(modbusModule, peer.target)
    assert.equal(out.result?.unit_id, 1)
    assert.equal(out.result?.vendor_name, 'Schneider Electric')
  } finally {
    await peer.close()
  }
})

test('bad input: illegal function, wrong protocol, oversized length, lying object lengths', async () => {
  const peers = await Promise.all([
    tcpPeer(IP, async (s) => {
      const r = await s.receive((b) => b.length >= 11)
      s.socket.write(frame(r.readUInt16BE(0), 0, Buffer.from([0xab, 0x01])))
    }),
    tcpPeer(IP, (s) => s.socket.end('SSH-2.0-x\r\n')),
    tcpPeer(IP, (s) => s.socket.end(Buffer.from([0, 1, 0, 0, 0xff, 0xff, 0]))),
    tcpPeer(IP, async (s) => {
      const r = await s.receive((b) => b.length >= 11)
      s.socket.write(frame(r.readUInt16BE(0), 0, Buffer.from([0x2b, 0x0e, 1, 1, 0, 0, 1, 0, 200, 0x41])))
    }),
  ])
  try {
    const [illegal, ssh, big, lying] = await Promise.all(peers.map((p) => grabOnce(modbusModule, p.target)))
    assert.equal(illegal?.status, 'success')
    assert.deepEqual(illegal?.result?.exception, { code: 1, meaning: 'illegal function' })
    assert.equal(ssh?.status, 'protocol-error')
    assert.equal(big?.status, 'protocol-error')
    assert.equal(lying?.status, 'protocol-error')
  } finally {
    await Promise.all(peers.map((p) => p.close()))
  }
})

test('wire fuzz', () => {
  const good = frame(
    1,
    0,
    objects([
      [0, 'V'],
      [1, 'P'],
    ]),
  )
  fuzz(
    19,
    4000,
    (rng) => mutate(rng, good),
    (buf) =>
      onlyProtocolError(() => {
        const f = parseFrame(buf)
        if (f) parseDeviceId(f.pdu)
      }),
  )
})

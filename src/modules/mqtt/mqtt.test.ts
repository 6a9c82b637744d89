import assert from 'node:assert/strict'
import { test } from 'node:test'
import { fuzz, onlyProtocolError, randomBytes } from '../../testing/fuzz.js'
import { grabOnce, type PeerSession, tcpPeer } from '../../testing/protocol-peer.js'
import { mqttModule } from './index.js'
import { connectPacket, parseConnack, parsePacket, parsePublish } from './wire.js'

const IP = '127.70.4.1'

function publish(topic: string, payload: string): Buffer {
  const t = Buffer.from(topic)
  const body = Buffer.concat([Buffer.from([t.length >> 8, t.length & 0xff]), t, Buffer.from(payload)])
  return Buffer.concat([Buffer.from([0x31, body.length]), body])
}

/** A broker: CONNACK code per protocol level; publishes a retained version on subscribe. */
function broker(code: (level: number) => number, version?: string) {
  return async (s: PeerSession) => {
    const connect = await s.receive((b) => parsePacket(b) !== undefined)
    const level = connect[8] ?? 0
    const rc = code(level)
    s.socket.write(level === 5 ? Buffer.from([0x20, 3, 0, rc, 0]) : Buffer.from([0x20, 2, 0, rc]))
    if (rc !== 0) return s.socket.end()
    const sub = await s.receive((b) => b.length > connect.length)
    if (s.socket.destroyed) return
    if ((sub[connect.length] ?? 0) >> 4 === 8) {
      s.socket.write(Buffer.from([0x90, 3, 0, 1, 0]))
      if (version) s.socket.write(publish('$SYS/broker/version', version))
    }
  }
}

test('open broker: anonymous 3.1.1 and 5 accepted, version read from $SYS', async () => {
  const peer = await tcpPeer(
    IP,
    broker(() => 0, 'mosquitto version 2.0.11'),
  )
  try {
    const out = await grabOnce(mqttModule, peer.target)
    assert.equal(out.status, 'success')
    assert.equal(out.result?.anonymous, true)
    assert.equal(out.result?.v311?.code, 0)
    assert.equal(out.result?.v5?.accepted, true)
    assert.equal(out.result?.broker_version, 'mosquitto version 2.0.11')
    assert.deepEqual(mqttModule.describe(out.result as never).observations, [
      { key: 'mqtt.version', value: 'mosquitto version 2.0.11' },
    ])
  } finally {
    await peer.close()
  }
})

test('closed broker: not authorized on 3.1.1, bad credentials on 5; a silent $SYS is bounded', async () => {
  const closed = await tcpPeer(
    IP,
    broker((level) => (level === 5 ? 0x86 : 5)),
  )
  const silent = await tcpPeer(
    IP,
    broker(() => 0),
  )
  try {
    const out = await grabOnce(mqttModule, closed.target)
    assert.equal(out.status, 'success')
    assert.equal(out.result?.anonymous, false)
    assert.equal(out.result?.v311?.meaning, 'not authorized')
    assert.equal(out.result?.v5?.code, 0x86)
    const started = Date.now()
    const quiet = await grabOnce(mqttModule, silent.target)
    assert.equal(quiet.result?.anonymous, true)
    assert.equal(quiet.result?.broker_version, undefined)
    assert.ok(Date.now() - started < 4000)
  } finally {
    await Promise.all([closed.close(), silent.close()])
  }
})

test('bad input: wrong protocol, truncated CONNACK, endless length varint, oversized packet', async () => {
  const peers = await Promise.all([
    tcpPeer(IP, (s) => s.socket.end('220 ftp ready\r\n')),
    tcpPeer(IP, (s) => s.socket.end(Buffer.from([0x20]))),
    tcpPeer(IP, (s) => s.socket.end(Buffer.from([0x20, 0xff, 0xff, 0xff, 0xff, 0x01]))),
    tcpPeer(IP, (s) => s.socket.end(Buffer.from([0x20, 0xff, 0xff, 0xff, 0x7f]))),
  ])
  try {
    const [wrong, cut, varint, huge] = await Promise.all(peers.map((p) => grabOnce(mqttModule, p.target)))
    assert.equal(wrong?.status, 'protocol-error')
    assert.equal(cut?.status, 'io-error')
    assert.equal(varint?.status, 'protocol-error')
    assert.equal(huge?.status, 'protocol-error')
  } finally {
    await Promise.all(peers.map((p) => p.close()))
  }
})

test('wire: CONNECT encodes, packet parser fuzz yields packets or ProtocolError only', () => {
  const c = connectPacket(4, 'id')
  assert.deepEqual([...c.subarray(0, 2)], [0x10, c.length - 2])
  assert.equal(c.subarray(4, 8).toString(), 'MQTT')
  const connack = parsePacket(Buffer.from([0x20, 2, 1, 0]))
  assert.ok(connack)
  assert.deepEqual(parseConnack(connack, 4), { session_present: true, code: 0 })
  fuzz(
    3,
    5000,
    (rng) => randomBytes(rng, 23),
    (buf) =>
      onlyProtocolError(() => {
        const p = parsePacket(buf)
        if (!p) return
        assert.ok(p.length <= buf.length)
        parsePublish(p)
        onlyProtocolError(() => parseConnack(p, 5))
      }),
  )
})

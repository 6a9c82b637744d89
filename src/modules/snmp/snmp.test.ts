import assert from 'node:assert/strict'
import { test } from 'node:test'
import { fuzz, mutate, onlyProtocolError } from '../../testing/fuzz.js'
import { grabOnce, udpPeer } from '../../testing/protocol-peer.js'
import { decode, int, octets, oid, seq } from './ber.js'
import { snmpModule } from './index.js'
import { getRequest, parseDiscoveryReport, parseResponse, SYS_DESCR, SYS_OBJECT_ID } from './wire.js'

const IP = '127.70.8.1'
const ENGINE = Buffer.from('80001f888062dc7f4c15465c5100000000', 'hex') // Net-SNMP style (enterprise 8072)

function report(): Buffer {
  const usm = seq(0x30, octets(ENGINE), int(7), int(1234), octets(''), octets(''), octets(''))
  const vb = seq(0x30, seq(0x30, oid('1.3.6.1.6.3.15.1.1.4.0'), Buffer.from([0x41, 1, 1])))
  const pdu = seq(0xa8, int(1), int(0), int(0), vb)
  return seq(
    0x30,
    int(3),
    seq(0x30, int(1), int(65507), octets(Buffer.from([0])), int(3)),
    octets(usm),
    seq(0x30, octets(ENGINE), octets(''), pdu),
  )
}

function response(req: Buffer, community: string): Buffer {
  const [msg] = decode(req)
  const version = msg?.children?.[0]?.value[0] ?? 0
  const reqId = msg?.children?.[2]?.children?.[0] as { value: Buffer }
  const vbs = seq(
    0x30,
    seq(0x30, oid(SYS_DESCR), octets('Linux cam 3.10.14 #1 armv7l')),
    seq(0x30, oid(SYS_OBJECT_ID), oid('1.3.6.1.4.1.8072.3.2.10')),
  )
  const pdu = seq(
    0xa2,
    Buffer.concat([Buffer.from([0x02, reqId.value.length]), reqId.value]),
    int(0),
    int(0),
    vbs,
  )
  return seq(0x30, int(version), octets(community), pdu)
}

/** An agent answering v3 discovery and community `public` (v2c) like snmpd with a default rocommunity. */
function agent(v3: boolean, publicOk: boolean) {
  return (req: Buffer, send: (b: Buffer) => void) => {
    const [msg] = decode(req)
    const version = msg?.children?.[0]?.value[0]
    if (version === 3) return v3 ? send(report()) : undefined
    const community = msg?.children?.[1]?.value.toString()
    if (publicOk && community === 'public') send(response(req, 'public'))
  }
}

test('without credential audit only v3 discovery is sent: the agent answers, no community is tried', async () => {
  const peer = await udpPeer(IP, agent(true, true))
  try {
    const out = await grabOnce(snmpModule, peer.target)
    assert.equal(out.status, 'success', out.error)
    assert.equal(out.result?.answers, true)
    assert.equal(out.result?.community_tried, false)
    assert.equal(out.result?.sysdescr, undefined)
    assert.deepEqual(out.result?.engine, {
      engine_id: ENGINE.toString('hex'),
      enterprise: 8072,
      format: 0x80,
      engine_boots: 7,
      engine_time: 1234,
    })
    assert.equal(peer.requests.length, 1)
    assert.ok(!peer.requests.some((r) => r.includes(Buffer.from('public'))))
  } finally {
    await peer.close()
  }
})

test('with credential audit allowed: public sysDescr and sysObjectID over v2c', async () => {
  const peer = await udpPeer(IP, agent(true, true))
  try {
    const out = await grabOnce(snmpModule, peer.target, {}, {}, { credentialAudit: true })
    assert.equal(out.status, 'success', out.error)
    assert.equal(out.result?.public_community, true)
    assert.equal(out.result?.community_version, 'v2c')
    assert.equal(out.result?.sysdescr, 'Linux cam 3.10.14 #1 armv7l')
    assert.equal(out.result?.sysobjectid, '1.3.6.1.4.1.8072.3.2.10')
    assert.deepEqual(
      snmpModule.describe(out.result as never).observations.map((o) => o.key),
      ['snmp.sysdescr', 'snmp.sysobjectid', 'snmp.engine_enterprise'],
    )
  } finally {
    await peer.close()
  }
})

test('silent agent and non-SNMP answers', async () => {
  const silent = await udpPeer(IP, () => {})
  const junk = await udpPeer(IP, (_r, send) => send(Buffer.from([0x30, 0x82, 0xff, 0xff, 0x02])))
  try {
    const s = await grabOnce(
      snmpModule,
      silent.target,
      {},
      { timeoutMs: 60, retries: 1 },
      { credentialAudit: true },
    )
    assert.equal(s.status, 'io-timeout')
    assert.equal(s.result?.answers, false)
    const j = await grabOnce(snmpModule, junk.target, {}, { timeoutMs: 60, retries: 0 })
    assert.equal(j.status, 'protocol-error')
  } finally {
    await Promise.all([silent.close(), junk.close()])
  }
})

test('BER: OIDs round-trip; message parsers fuzzed with random and mutated input', () => {
  const req = getRequest(1, 'public', 42, [SYS_DESCR])
  const [msg] = decode(req)
  assert.equal(msg?.children?.length, 3)
  const good = response(req, 'public')
  assert.equal(parseResponse(good).varbinds[1]?.value, '1.3.6.1.4.1.8072.3.2.10')
  assert.equal(parseDiscoveryReport(report()).enterprise, 8072)
  fuzz(
    13,
    4000,
    (rng) => mutate(rng, rng.chance(0.5) ? good : report(), 3),
    (buf) => {
      for (const parse of [parseResponse, parseDiscoveryReport]) onlyProtocolError(() => parse(buf))
    },
  )
})

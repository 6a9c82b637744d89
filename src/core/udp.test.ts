import assert from 'node:assert/strict'
import dgram from 'node:dgram'
import { test } from 'node:test'
import { udpPeer } from '../testing/protocol-peer.js'
import { IoTimeoutError, statusFromError } from './scan-status.js'
import { UdpExchange } from './udp.js'

// protocols block, this file's /24
const IP = '127.70.1.1'

test('a reply comes back; silence before it is retransmitted a bounded number of times', async () => {
  let seen = 0
  const peer = await udpPeer(IP, (req, send) => {
    seen++
    if (seen === 2) send(Buffer.concat([Buffer.from('echo:'), req]))
  })
  const udp = await UdpExchange.open(peer.target, { timeoutMs: 100, retries: 3 })
  try {
    const replies = await udp.request(Buffer.from('hi'))
    assert.equal(replies.length, 1)
    assert.equal(replies[0]?.data.toString(), 'echo:hi')
    assert.equal(udp.sent, 2)
  } finally {
    udp.close()
    await peer.close()
  }
})

test('silence ends in an io-timeout after 1 + retries sends', async () => {
  const peer = await udpPeer(IP, () => {})
  const udp = await UdpExchange.open(peer.target, { timeoutMs: 50, retries: 2 })
  try {
    await assert.rejects(udp.request(Buffer.from('x')), (err) => {
      assert.ok(err instanceof IoTimeoutError)
      assert.equal(statusFromError(err), 'io-timeout')
      return true
    })
    assert.equal(udp.sent, 3)
    assert.equal(peer.requests.length, 3)
  } finally {
    udp.close()
    await peer.close()
  }
})

test('replies from another address are never accepted', async () => {
  const spoofer = dgram.createSocket('udp4')
  await new Promise<void>((r) => spoofer.bind(0, '127.70.1.2', () => r()))
  const peer = await udpPeer(IP, (_req, _send, from) => {
    spoofer.send(Buffer.from('spoofed'), from.port, from.address)
  })
  const udp = await UdpExchange.open(peer.target, { timeoutMs: 80, retries: 1 })
  try {
    await assert.rejects(udp.request(Buffer.from('q')), IoTimeoutError)
  } finally {
    udp.close()
    spoofer.close()
    await peer.close()
  }
})

test('amplification-shaped replies are bounded per datagram and in count', async () => {
  const peer = await udpPeer(IP, (_req, send) => {
    for (let i = 0; i < 40; i++) send(Buffer.alloc(4000, 0x41))
  })
  const udp = await UdpExchange.open(peer.target, {
    timeoutMs: 200,
    maxDatagramBytes: 1000,
    maxReplies: 5,
    maxTotalBytes: 3500,
  })
  try {
    const replies = await udp.request(Buffer.from('q'), { lingerMs: 150 })
    assert.ok(replies.length <= 5)
    assert.ok(replies.every((r) => r.data.length <= 1000 && r.truncated))
    assert.ok(replies.reduce((n, r) => n + r.data.length, 0) <= 3500)
    await new Promise((r) => setTimeout(r, 50))
    assert.ok(udp.dropped > 0)
  } finally {
    udp.close()
    await peer.close()
  }
})

test('a closed port answers with ICMP unreachable: connection-refused, not a long wait', async () => {
  const probe = dgram.createSocket('udp4')
  await new Promise<void>((r) => probe.bind(0, IP, () => r()))
  const port = probe.address().port
  await new Promise<void>((r) => probe.close(() => r()))
  const udp = await UdpExchange.open({ ip: IP, port, transport: 'udp' }, { timeoutMs: 300, retries: 2 })
  try {
    const started = Date.now()
    await assert.rejects(
      udp.request(Buffer.from('q')),
      (err) => statusFromError(err) === 'connection-refused',
    )
    assert.ok(Date.now() - started < 900)
  } finally {
    udp.close()
  }
})

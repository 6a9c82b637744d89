import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { GARBAGE_BYTES, HOSTILE_PEERS, HUGE_BANNER_BYTES, TRICKLE_TEXT } from './hostile-peers.js'
import { type RunningLab, startLab } from './lab.js'
import { sleep, TcpReader } from './testing/tcp-reader.js'

// Every hostile peer does what the truth says, on 127.20.200.0/24 (the bad-input block).
let lab: RunningLab
function peer(family: string): { ip: string; port: number } {
  const device = lab.truth.devices.find((d) => d.family === family)
  assert.ok(device, family)
  return { ip: device.ip, port: device.services[0]?.port as number }
}
async function connect(family: string, allowHalfOpen = false): Promise<TcpReader> {
  const { ip, port } = peer(family)
  return TcpReader.connect(ip, port, { allowHalfOpen })
}

describe('hostile peers', () => {
  before(async () => {
    lab = await startLab({ net: '127.20.200.0/24', seed: 5, devices: 0, hostile: true })
  })
  after(() => lab.stop())

  it('are all listed in the truth, on addresses of their own', () => {
    const families = lab.truth.devices.map((d) => d.family)
    assert.deepEqual(
      families,
      HOSTILE_PEERS.map((p) => p.family),
    )
    assert.ok(families.every((f) => f.startsWith('hostile-')))
    assert.equal(new Set(lab.truth.devices.map((d) => d.ip)).size, HOSTILE_PEERS.length)
    assert.equal(lab.listeners, HOSTILE_PEERS.length)
  })

  it('huge banner: 10 MiB, then a login prompt, then the close', async () => {
    const c = await connect('hostile-huge-banner')
    await c.until((r) => r.closed, 10_000)
    assert.equal(c.received.length, HUGE_BANNER_BYTES + '\r\n(none) login: '.length)
    assert.ok(c.text.endsWith('\r\n(none) login: '))
  })

  it('trickle: one byte per second', async () => {
    const c = await connect('hostile-trickle')
    const start = Date.now()
    await c.until((r) => r.received.length >= 3, 5000)
    const elapsed = Date.now() - start
    assert.ok(elapsed >= 2500 && elapsed < 4500, `3 bytes took ${elapsed} ms`)
    assert.equal(c.text, TRICKLE_TEXT.slice(0, c.received.length))
    c.destroy()
  })

  it('never-close: prompts, then neither answers nor closes', async () => {
    const c = await connect('hostile-never-close')
    await c.waitFor('(none) login: ')
    const mark = c.received.length
    c.write('root\r\nroot\r\n')
    await sleep(700)
    assert.equal(c.received.length, mark)
    assert.equal(c.ended || c.closed, false)
    c.destroy()
  })

  it('garbage: 64 KiB of binary, the same for every connection, then the close', async () => {
    const a = await connect('hostile-garbage')
    const b = await connect('hostile-garbage')
    await Promise.all([a.until((r) => r.closed), b.until((r) => r.closed)])
    assert.equal(a.received.length, GARBAGE_BYTES)
    assert.deepEqual(a.received, b.received)
    const controls = [...a.received].filter((x) => x < 9 || x > 126).length
    assert.ok(controls > GARBAGE_BYTES / 3, 'mostly non-text')
  })

  it('IAC flood: nothing but telnet commands, never a prompt', async () => {
    const c = await connect('hostile-iac-flood')
    await c.until((r) => r.received.length >= 1024 * 1024, 5000)
    c.destroy()
    const bytes = c.received.subarray(0, 1024 * 1024 - ((1024 * 1024) % 20))
    for (let i = 0; i < bytes.length; i += 20) {
      // each option gets DO, WILL, WONT, DONT (12 bytes) and an SB ... SE block (8 bytes)
      assert.deepEqual([bytes[i], bytes[i + 1], bytes[i + 3], bytes[i + 4]], [255, 253, 255, 251])
      assert.deepEqual([bytes[i + 12], bytes[i + 13], bytes[i + 18], bytes[i + 19]], [255, 250, 255, 240])
    }
    assert.doesNotMatch(c.text.slice(0, 100_000), /login/i)
  })

  it('reset: part of an SSH identification line, then a connection reset', async () => {
    const c = await connect('hostile-reset')
    await c.until((r) => r.closed, 3000)
    assert.equal(c.text, 'SSH-2.0-OpenSS')
    assert.equal(c.error?.code, 'ECONNRESET')
  })

  it('half-open: a partial reply and a FIN, yet the connection stays open for writing', async () => {
    const c = await connect('hostile-half-open', true)
    await c.until((r) => r.ended)
    assert.equal(c.text, 'HTTP/1.1 200 OK\r\nServer: half')
    c.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n')
    await sleep(300)
    assert.equal(c.closed, false)
    assert.equal(c.error, undefined)
    c.destroy()
  })

  it('silent: accepts and never sends a byte', async () => {
    const c = await connect('hostile-silent')
    await sleep(500)
    assert.equal(c.received.length, 0)
    assert.equal(c.closed, false)
    c.destroy()
  })
})

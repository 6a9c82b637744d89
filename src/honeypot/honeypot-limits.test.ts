import assert from 'node:assert/strict'
import net from 'node:net'
import { after, before, describe, it } from 'node:test'
import { startTestHoneypot, type TestHoneypot } from './testing/test-honeypot.js'

// this file: 127.90.2.0/24
const HOST = '127.90.2.1'

/** Connects, sends `chunks` as fast as the socket takes them, and resolves when the honeypot hangs up. */
function flood(port: number, chunks: () => Buffer | undefined, localAddress: string): Promise<number> {
  return new Promise((resolve) => {
    let sent = 0
    const s = net.connect({ host: HOST, port, localAddress })
    const pump = () => {
      for (;;) {
        const c = chunks()
        if (!c) return
        sent += c.length
        if (!s.write(c)) return void s.once('drain', pump)
      }
    }
    s.on('connect', pump)
    s.on('data', () => {})
    s.on('error', () => {})
    s.on('close', () => resolve(sent))
  })
}

describe('honeypot limits: hostile clients cannot exhaust it', () => {
  let hp: TestHoneypot
  before(async () => {
    hp = await startTestHoneypot(HOST, {
      limits: { bytesIn: 256 * 1024, idleMs: 300, sessionMs: 1500, commands: 20 },
    })
  })
  after(() => hp.honeypot.close())

  const closedWith = async (reason: string) => {
    const deadline = Date.now() + 5000
    while (Date.now() < deadline) {
      const s = hp.summaries.find((x) => x.close_reason === reason)
      if (s) return s
      await new Promise((r) => setTimeout(r, 20))
    }
    assert.fail(`no session closed with ${reason}: ${hp.summaries.map((s) => s.close_reason)}`)
  }

  it('an IAC flood is read, answered at most a few times, and cut at the byte limit', async () => {
    let n = 0
    const chunk = Buffer.alloc(60_000)
    for (let i = 0; i < chunk.length; i += 3) chunk.set([0xff, i % 2 ? 0xfd : 0xfb, i % 251], i)
    const sent = await flood(hp.port, () => (n++ < 100 ? chunk : undefined), '127.90.2.10')
    assert.ok(sent >= 256 * 1024)
    const s = await closedWith('byte-limit')
    assert.equal(s.lines.length, 0)
  })

  it('a NAWS flood is logged 16 times, not 10,000', async () => {
    const naws = Buffer.from([0xff, 0xfa, 0x1f, 0x00, 0x50, 0x00, 0x18, 0xff, 0xf0])
    const s = net.connect({ host: HOST, port: hp.port, localAddress: '127.90.2.15' })
    s.on('error', () => {})
    await new Promise((r) => s.once('connect', r))
    s.write(Buffer.concat(Array(10_000).fill(naws)))
    s.end()
    const summary = await hp.sessionFrom('127.90.2.15')
    const sizes = hp.events.filter((e) => e.session === summary.session && e.eventid === 'cowrie.client.size')
    assert.equal(sizes.length, 16)
    assert.deepEqual(summary.sizes.length, 4)
  })

  it('a 10 MB line without a line end is cut at the byte limit, never buffered whole', async () => {
    const before = process.memoryUsage().rss
    let n = 0
    const sent = await flood(
      hp.port,
      () => (n++ < 160 ? Buffer.alloc(65536, 0x41) : undefined),
      '127.90.2.11',
    )
    assert.ok(sent > 256 * 1024)
    const s = await closedWith('byte-limit')
    assert.ok(s.bytes_in <= 256 * 1024 + 65536 * 4)
    assert.ok(process.memoryUsage().rss - before < 64 * 1024 * 1024)
  })

  it('a session that never speaks ends at the idle limit; one that keeps typing ends at the time limit', async () => {
    const quiet = net.connect({ host: HOST, port: hp.port, localAddress: '127.90.2.12' })
    quiet.on('error', () => {})
    await closedWith('idle')
    const chatty = net.connect({ host: HOST, port: hp.port, localAddress: '127.90.2.13' })
    chatty.on('error', () => {})
    const timer = setInterval(() => chatty.write('a'), 100)
    await closedWith('time-limit')
    clearInterval(timer)
    chatty.destroy()
    quiet.destroy()
  })

  it('a shell session ends at the command limit, and every session has its closed event', async () => {
    const s = net.connect({ host: HOST, port: hp.port, localAddress: '127.90.2.14' })
    s.on('error', () => {})
    s.on('data', () => {})
    await new Promise((r) => s.once('connect', r))
    s.write('root\r\nxc3511\r\n')
    await new Promise((r) => setTimeout(r, 100))
    for (let i = 0; i < 30; i++) s.write('echo hi\r\n')
    const closed = await closedWith('command-limit')
    assert.equal(closed.line_count, 20)
    s.destroy()
    await new Promise((r) => setTimeout(r, 100))
    const connects = hp.events.filter((e) => e.eventid === 'cowrie.session.connect').map((e) => e.session)
    const closes = new Set(
      hp.events.filter((e) => e.eventid === 'cowrie.session.closed').map((e) => e.session),
    )
    assert.ok(connects.every((id) => closes.has(id)))
  })
})

describe('honeypot capacity', () => {
  let hp: TestHoneypot
  before(async () => {
    hp = await startTestHoneypot('127.90.2.2', { maxPerSource: 2 })
  })
  after(() => hp.honeypot.close())

  it('a source past its concurrent-session cap is logged and closed at once', async () => {
    const open = [0, 1, 2].map(() => {
      const s = net.connect({ host: '127.90.2.2', port: hp.port, localAddress: '127.90.2.20' })
      s.on('error', () => {})
      return s
    })
    const deadline = Date.now() + 3000
    while (!hp.events.some((e) => e.reason === 'source-capacity') && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20))
    assert.ok(hp.events.some((e) => e.eventid === 'cowrie.session.closed' && e.reason === 'source-capacity'))
    for (const s of open) s.destroy()
  })
})

import assert from 'node:assert/strict'
import net from 'node:net'
import { after, before, describe, test } from 'node:test'
import { isMamoriError } from '../core/errors.js'
import { formatIPv4, parseIPv4 } from '../core/ipv4.js'
import {
  chooseEngine,
  DEFAULT_DISCOVERY,
  Discovery,
  type DiscoveryOptions,
  type ProbeTarget,
} from './discovery.js'
import { createJsEngine } from './js-engine.js'
import { loadNativeBinding } from './native-engine.js'
import { PROBE_OPEN, type ProbeState } from './probe-engine.js'
import { type FullBacklogPeers, startFullBacklogPeers } from './testing/full-backlog.js'

// This file's loopback block: 127.19.101.0/24.
const ip = (last: number) => parseIPv4(`127.19.101.${last}`) as number
const OPEN_HOST = ip(10)
const FILTER_HOST = ip(11)
const CAP_HOST = ip(12)

interface Probe {
  ip: number
  port: number
  udp?: boolean
}

async function discover(targets: Probe[], options: Partial<DiscoveryOptions>) {
  const results = new Map<number, ProbeState | 'udp'>()
  let i = 0
  const source = (out: ProbeTarget) => {
    const t = targets[i]
    if (!t) return false
    out.ticket = i++
    out.ip = t.ip
    out.port = t.port
    out.udp = t.udp ?? false
    return true
  }
  const started = performance.now()
  const d = new Discovery({ ...DEFAULT_DISCOVERY, ...options }, source, (ticket, _ip, _port, state) => {
    assert.ok(!results.has(ticket), `ticket ${ticket} reported twice`)
    results.set(ticket, state)
  })
  const stats = await d.run()
  return { results, stats, elapsedMs: performance.now() - started }
}

const servers: net.Server[] = []
let filtered: FullBacklogPeers
before(async () => {
  const server = net.createServer((s) => s.destroy())
  servers.push(server)
  await new Promise<void>((r) => server.listen({ host: formatIPv4(OPEN_HOST), port: 5000 }, r))
  const capPorts = Array.from({ length: 8 }, (_, k) => `${formatIPv4(CAP_HOST)}:${6000 + k}`)
  filtered = await startFullBacklogPeers([`${formatIPv4(FILTER_HOST)}:5002`, ...capPorts])
})
after(async () => {
  for (const s of servers) await new Promise((r) => s.close(r))
  await filtered.stop()
})

const engines: ('js' | 'native')[] = ['js', 'native']
for (const engine of engines) {
  const skip =
    engine === 'native' && !loadNativeBinding() ? 'native engine not built (no compiler here)' : false
  describe(`${engine} engine`, { skip }, () => {
    test('open, closed and filtered are told apart; UDP targets are passed on unprobed', async () => {
      const { results, stats, elapsedMs } = await discover(
        [
          { ip: OPEN_HOST, port: 5000 },
          { ip: OPEN_HOST, port: 5001 },
          { ip: FILTER_HOST, port: 5002 },
          { ip: OPEN_HOST, port: 161, udp: true },
        ],
        { engine, timeoutMs: 300, retries: 1 },
      )
      assert.deepEqual([...results.entries()].sort(), [
        [0, 'open'],
        [1, 'closed'],
        [2, 'filtered'],
        [3, 'udp'],
      ])
      assert.equal(stats.engine, engine)
      assert.deepEqual([stats.open, stats.closed, stats.filtered, stats.udp, stats.probed], [1, 1, 1, 1, 3])
      // one retry: the filtered probe waited two timeouts, not more
      assert.ok(elapsedMs >= 550 && elapsedMs < 2000, `${elapsedMs} ms`)
    })

    test('every target of a larger space is reported exactly once', async () => {
      const targets: Probe[] = []
      for (let h = 20; h < 84; h++) for (let p = 7000; p < 7040; p++) targets.push({ ip: ip(h), port: p })
      targets.push({ ip: OPEN_HOST, port: 5000 })
      const { results, stats } = await discover(targets, { engine, rate: 0, maxInflight: 512 })
      assert.equal(results.size, targets.length)
      assert.equal(stats.closed, targets.length - 1)
      assert.equal(results.get(targets.length - 1), 'open')
    })

    test('the rate limit is obeyed (measured)', async () => {
      const targets: Probe[] = []
      for (let h = 100; h < 140; h++) for (let p = 7000; p < 7040; p++) targets.push({ ip: ip(h), port: p })
      const rate = 4000
      const { results, elapsedMs } = await discover(targets, { engine, rate })
      assert.equal(results.size, 1600)
      const measured = (1600 * 1000) / elapsedMs
      assert.ok(measured <= rate * 1.1, `measured ${Math.round(measured)}/s for a limit of ${rate}/s`)
      assert.ok(measured >= rate * 0.2, `measured ${Math.round(measured)}/s is far below the limit ${rate}/s`)
    })

    test('the per-host cap bounds connects in flight to one address', async () => {
      const targets = Array.from({ length: 8 }, (_, k) => ({ ip: CAP_HOST, port: 6000 + k }))
      const opts = { engine, timeoutMs: 400, retries: 0 }
      const capped = await discover(targets, { ...opts, perHostCap: 2 })
      const free = await discover(targets, { ...opts, perHostCap: 8 })
      assert.equal(capped.stats.filtered, 8)
      assert.equal(free.stats.filtered, 8)
      // 8 unanswered connects, 2 at a time: 4 rounds of one timeout each
      assert.ok(capped.elapsedMs >= 4 * 400 - 20, `capped took ${capped.elapsedMs} ms`)
      assert.ok(free.elapsedMs < 3 * 400, `uncapped took ${free.elapsedMs} ms`)
    })

    const ringOnly = engine === 'js' ? 'only the native engine keeps a deadline ring' : false
    test('an unanswered probe still times out behind tens of thousands of fast answers', {
      skip: ringOnly,
    }, async () => {
      // regression: the native deadline ring keeps entries of finished probes until they expire,
      // so at high rates it must grow rather than overwrite a live probe's deadline
      const targets: Probe[] = [{ ip: FILTER_HOST, port: 5002 }]
      for (let h = 0; h < 200; h++) for (let p = 7100; p < 7300; p++) targets.push({ ip: ip(h), port: p })
      const { stats, elapsedMs } = await discover(targets, { engine, rate: 0, timeoutMs: 3000, retries: 0 })
      assert.equal(stats.filtered, 1)
      assert.equal(stats.closed, 40_000)
      assert.ok(elapsedMs < 20_000, `${elapsedMs} ms`)
    })

    test('stop() ends the run at once and reports nothing more', async () => {
      const targets = Array.from({ length: 8 }, (_, k) => ({ ip: CAP_HOST, port: 6000 + k }))
      let reported = 0
      let i = 0
      const d = new Discovery(
        { ...DEFAULT_DISCOVERY, engine, timeoutMs: 5000 },
        (out) => {
          const t = targets[i]
          if (!t) return false
          Object.assign(out, { ticket: i++, ip: t.ip, port: t.port, udp: false })
          return true
        },
        () => reported++,
      )
      const started = performance.now()
      const run = d.run()
      setTimeout(() => d.stop(), 100)
      const stats = await run
      assert.ok(stats.stopped)
      assert.ok(performance.now() - started < 1000)
      await new Promise((r) => setTimeout(r, 50))
      assert.equal(reported, 0)
    })
  })
}

test('js engine: a connect answered while the event loop was blocked is open, not filtered', async () => {
  const states: number[] = []
  const engine = createJsEngine({ rate: 0, maxInflight: 8, timeoutMs: 50, retries: 0 }, (_ids, s) =>
    states.push(...s),
  )
  try {
    // from the check phase, whose next phase runs due timers before any socket event
    await new Promise((r) => setImmediate(r))
    engine.submit(Uint32Array.of(0), Uint32Array.of(OPEN_HOST), Uint16Array.of(5000), 1)
    const until = Date.now() + 300
    while (Date.now() < until) {}
    for (let i = 0; i < 100 && states.length === 0; i++) await new Promise((r) => setTimeout(r, 10))
    assert.deepEqual(states, [PROBE_OPEN])
  } finally {
    engine.close()
  }
})

test('asking for the native engine where it is not built is a usage error', {
  skip: !!loadNativeBinding(),
}, () => {
  assert.throws(
    () => chooseEngine('native'),
    (err) => isMamoriError(err) && err.code === 'ERR_USAGE',
  )
})

test('auto picks the native engine when it is built, the JS engine otherwise', () => {
  assert.equal(chooseEngine('auto'), loadNativeBinding() ? 'native' : 'js')
  assert.equal(chooseEngine('js'), 'js')
})

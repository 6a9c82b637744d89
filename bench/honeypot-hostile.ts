/**
 * Hostile clients against `mamori honeypot` on loopback, all at once for --seconds: IAC floods and
 * 10 MB lines (cut at --max-bytes), sessions that never end (cut at --session-timeout), silent ones
 * (cut at --idle-timeout) and a connection flood from one source (cut at --max-per-source). Meanwhile
 * a Mirai scanner dialogue runs every second from another source: the figure is whether it still
 * completes, how fast, and the honeypot's peak memory.
 *
 *   npm run build && node --import tsx bench/honeypot-hostile.ts [--seconds 40]
 */

import { rmSync } from 'node:fs'
import net from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { miraiScannerSession } from '../src/honeypot/testing/mirai-dialogue.js'
import { countEvents, startHoneypotProcess } from './lib/honeypot-process.js'

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '40' } } })
const SECONDS = Number(values.seconds)
const out = join(tmpdir(), 'mamori-bench-hostile.jsonl')
rmSync(out, { force: true })
// honeypot on 127.90.210.1; attackers from 127.90.211.x, the Mirai probe from 127.90.212.1
const hp = await startHoneypotProcess([
  '--listen',
  '127.90.210.1:0',
  '--out',
  out,
  '--session-timeout',
  '20',
  '--idle-timeout',
  '8',
  '--max-bytes',
  '1048576',
  '--max-per-source',
  '128',
])
const end = Date.now() + SECONDS * 1000
let bytesSent = 0
let connections = 0

/** Opens connections from `src` and feeds each `next()` until it returns undefined or the honeypot hangs up. */
function attacker(src: string, next: () => Buffer | undefined, pauseMs = 0): Promise<void> {
  return new Promise((resolve) => {
    connections++
    const s = net.connect({ host: hp.host, port: hp.port, localAddress: src })
    s.on('error', () => {})
    s.on('data', () => {})
    s.on('close', () => resolve())
    const pump = () => {
      while (Date.now() < end && !s.destroyed) {
        const c = next()
        if (!c) return
        bytesSent += c.length
        if (pauseMs) return void setTimeout(() => s.write(c) && pump(), pauseMs)
        if (!s.write(c)) return void s.once('drain', pump)
      }
      s.destroy()
    }
    s.on('connect', pump)
  })
}

const iac = Buffer.alloc(64 * 1024)
for (let i = 0; i + 2 < iac.length; i += 3) iac.set([0xff, 0xfb + (i % 3), (i * 7) % 256], i)
const line = Buffer.alloc(64 * 1024, 0x41)
const loops: Promise<void>[] = []
/** Runs `make` again each time its connection ends, until the end. */
const forever = (make: () => Promise<void>) => {
  loops.push(
    (async () => {
      while (Date.now() < end) await make()
    })(),
  )
}
for (let i = 1; i <= 20; i++) {
  const src = `127.90.211.${i}`
  forever(() => {
    let n = 0
    return attacker(src, () => (n++ < 160 ? iac : undefined)) // 10 MB of IAC commands
  })
  forever(() => {
    let n = 0
    return attacker(src, () => (n++ === 0 ? Buffer.from('root\r\nxc3511\r\n') : n < 162 ? line : undefined)) // a 10 MB line
  })
}
for (let i = 21; i <= 40; i++) {
  const src = `127.90.211.${i}`
  for (let k = 0; k < 10; k++) {
    forever(() => attacker(src, () => Buffer.from('a'), 2000)) // never ends: a byte every 2 s
    forever(() => attacker(src, () => undefined)) // never speaks
  }
}
// a connection flood from one source: at most --max-per-source at once get a session
forever(async () => {
  await Promise.all(Array.from({ length: 200 }, () => attacker('127.90.211.99', () => undefined)))
})

const probes: number[] = []
let probeFailures = 0
const rss: number[] = []
while (Date.now() < end) {
  const t = performance.now()
  const r = await miraiScannerSession(
    hp.host,
    hp.port,
    { username: 'root', password: 'xc3511' },
    '127.90.212.1',
  ).catch(() => 'error')
  if (r === 'found') probes.push(performance.now() - t)
  else probeFailures++
  rss.push(hp.memory().rssMb)
  await new Promise((r) => setTimeout(r, 1000))
}
await Promise.all(loops)
const mem = hp.memory()
const cpu = hp.cpuSeconds()
const alive = hp.child.exitCode === null
await new Promise((r) => setTimeout(r, 500))
const final = await hp.stop()
const ev = countEvents(out)
probes.sort((a, b) => a - b)
console.log(
  `${SECONDS} s of hostile clients: ${connections} connections, ${(bytesSent / 1e6).toFixed(0)} MB sent; honeypot alive: ${alive}`,
)
console.log(
  `Mirai probe every second: ${probes.length} completed, ${probeFailures} failed; latency p50 ${probes[Math.floor(probes.length / 2)]?.toFixed(0)} ms, max ${probes.at(-1)?.toFixed(0)} ms`,
)
console.log(
  `honeypot: peak RSS ${mem.peakMb.toFixed(0)} MB (sampled max ${Math.max(...rss).toFixed(0)} MB), CPU ${cpu.toFixed(1)} s`,
)
console.log(
  `closed sessions by reason: ${[...ev.reasons].map(([r, n]) => `${r} ${n}`).join(', ')}; connect events ${ev.byId.get('cowrie.session.connect')}, closed events ${ev.byId.get('cowrie.session.closed')}; ${JSON.stringify(final)}`,
)
process.exitCode =
  alive &&
  probeFailures === 0 &&
  ev.byId.get('cowrie.session.connect') === ev.byId.get('cowrie.session.closed')
    ? 0
    : 1

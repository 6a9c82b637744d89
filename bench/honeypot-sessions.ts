/**
 * 1,000 concurrent telnet sessions for 60 s against `mamori honeypot` on loopback: each logs in with a
 * Mirai pair and types a command every 2 s (Mirai's scanner words, ps, /proc/mounts, echo...), then
 * exits. Prints the honeypot's peak RSS and CPU, command latency, and checks that every session has
 * its connect and closed events in the JSONL log and its row in the store.
 *
 *   npm run build && node --import tsx bench/honeypot-sessions.ts [--sessions 1000] [--seconds 60]
 */
import { rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import Database from 'better-sqlite3'
import { BotConnection } from '../src/honeypot/testing/bot-connection.js'
import { countEvents, startHoneypotProcess } from './lib/honeypot-process.js'

const { values } = parseArgs({
  options: { sessions: { type: 'string', default: '1000' }, seconds: { type: 'string', default: '60' } },
})
const N = Number(values.sessions)
const SECONDS = Number(values.seconds)
const out = join(tmpdir(), 'mamori-bench-hp.jsonl')
const db = join(tmpdir(), 'mamori-bench-hp.db')
for (const f of [out, db, `${db}-wal`, `${db}-shm`]) rmSync(f, { force: true })

// honeypot on 127.90.200.1; clients from 127.90.201.1-200 (5 sessions per source)
const hp = await startHoneypotProcess([
  '--listen',
  '127.90.200.1:0',
  '--out',
  out,
  '--db',
  db,
  '--sensor',
  'bench',
])
const COMMANDS = [
  'enable',
  'system',
  'shell',
  'sh',
  '/bin/busybox MIRAI',
  'ps',
  'cat /proc/mounts',
  "echo -e '\\x6b\\x61\\x6d\\x69'",
  'uname -a',
  'ls /tmp',
]
const latencies: number[] = []
let completed = 0
let failed = 0
const prompt = (b: Buffer) => {
  const i = b.lastIndexOf('# ')
  return i >= 0 && i + 2 === b.length ? b.length : 0
}

async function client(i: number): Promise<void> {
  const conn = await BotConnection.connect(hp.host, hp.port, `127.90.201.${(i % 200) + 1}`)
  try {
    if ((await conn.step((b) => (b.includes('login: ') ? b.length : 0), 30_000)) < 0)
      throw new Error('no login prompt')
    conn.send('root\r\n')
    if ((await conn.step((b) => (b.includes('Password: ') ? b.length : 0), 30_000)) < 0)
      throw new Error('no password prompt')
    conn.send('xc3511\r\n')
    if ((await conn.step(prompt, 30_000)) < 0) throw new Error('no shell')
    const end = Date.now() + SECONDS * 1000
    for (let k = 0; Date.now() < end; k++) {
      await new Promise((r) => setTimeout(r, 1500 + Math.random() * 1000))
      const t = performance.now()
      conn.send(`${COMMANDS[k % COMMANDS.length]}\r\n`)
      if ((await conn.step(prompt, 30_000)) < 0) throw new Error('no prompt after a command')
      latencies.push(performance.now() - t)
    }
    conn.send('exit\r\n')
    await conn.step(() => 0, 200)
    completed++
  } catch {
    failed++
  } finally {
    conn.close()
  }
}

const rss: number[] = []
const sampler = setInterval(() => rss.push(hp.memory().rssMb), 1000)
const t0 = Date.now()
const clients: Promise<void>[] = []
for (let i = 0; i < N; i++) {
  clients.push(client(i))
  if (i % 100 === 99) await new Promise((r) => setTimeout(r, 50))
}
await Promise.all(clients)
const wall = (Date.now() - t0) / 1000
clearInterval(sampler)
const mem = hp.memory()
const cpu = hp.cpuSeconds()
const final = await hp.stop()
const events = countEvents(out)
const check = new Database(db, { readonly: true })
const stored = (check.prepare('SELECT count(*) AS n FROM honeypot_sessions').get() as { n: number }).n
const sources = check.prepare('SELECT family, count(*) AS n FROM sensor_sources GROUP BY family').all()
check.close()
latencies.sort((a, b) => a - b)
const q = (p: number) => latencies[Math.floor((latencies.length - 1) * p)]?.toFixed(1)
console.log(`${N} sessions x ${SECONDS} s: ${completed} completed, ${failed} failed, in ${wall.toFixed(1)} s`)
console.log(`commands: ${latencies.length}, latency p50 ${q(0.5)} ms, p99 ${q(0.99)} ms, max ${q(1)} ms`)
console.log(
  `honeypot: peak RSS ${mem.peakMb.toFixed(0)} MB (samples: min ${Math.min(...rss).toFixed(0)}, max ${Math.max(...rss).toFixed(0)} MB), CPU ${cpu.toFixed(1)} s`,
)
console.log(
  `logged: ${events.byId.get('cowrie.session.connect')} connect, ${events.byId.get('cowrie.session.closed')} closed (${[...events.reasons].map(([r, n]) => `${r} ${n}`).join(', ')}), ${events.byId.get('cowrie.command.input')} command events; store: ${stored} sessions, sources ${JSON.stringify(sources)}; summary ${JSON.stringify(final)}`,
)
const ok =
  events.byId.get('cowrie.session.connect') === N &&
  events.byId.get('cowrie.session.closed') === N &&
  stored === N
console.log(ok ? 'every session logged: yes' : 'every session logged: NO')
process.exitCode = ok && failed === 0 ? 0 : 1

/**
 * Hostile-input benchmark (docs/security.md, docs/benchmarks.md "Hostile input"): each bomb,
 * endless input and broken feed of issue #22 run through the built CLI under /usr/bin/time,
 * printing exit status, peak RSS, wall time and what was committed. No network traffic.
 *
 *   npm run build && node --import tsx bench/hostile-inputs.ts [--timeout 60] [--only NAME,...]
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { gunzipSync, gzipSync } from 'node:zlib'
import Database from 'better-sqlite3'
import { repoRoot } from '../src/core/paths.js'
import { sharedData } from '../src/testing/shared-data.js'

const { values } = parseArgs({
  options: { timeout: { type: 'string', default: '60' }, only: { type: 'string' } },
})
const TIMEOUT_S = Number(values.timeout)
const only = values.only ? new Set(values.only.split(',')) : undefined
const work = mkdtempSync(join(tmpdir(), 'mamori-hostile-'))
const file = (name: string, content: string | Buffer) => {
  const p = join(work, name)
  writeFileSync(p, content)
  return p
}

interface Run {
  code: number | null
  killed: boolean
  rssMiB: number
  seconds: number
  stderr: string
}

/** Runs `mamori args` under /usr/bin/time (peak RSS of the child), killed past the timeout. */
function mamori(args: string[]): Promise<Run> {
  const timing = join(work, 'time.txt')
  return new Promise((resolve) => {
    const cli = [process.execPath, join(repoRoot, 'bin', 'mamori.js'), ...args]
    const child = spawn('/usr/bin/time', ['-f', '%M %e', '-o', timing, ...cli], {
      cwd: work,
      env: { ...process.env, MAMORI_AUDIT_LOG: join(work, 'audit.jsonl') },
      stdio: ['ignore', 'ignore', 'pipe'],
    })
    let stderr = ''
    child.stderr.on('data', (d) => {
      if (stderr.length < 4000) stderr += d
    })
    const started = performance.now()
    let killed = false
    // a runaway CLI (time's only child) is killed by its pid; time still reports its peak RSS
    const killer = setTimeout(() => {
      killed = true
      const pids = readFileSync(`/proc/${child.pid}/task/${child.pid}/children`, 'utf8').trim().split(' ')
      for (const pid of pids) if (pid) process.kill(Number(pid), 'SIGKILL')
    }, TIMEOUT_S * 1000)
    child.once('close', (code) => {
      clearTimeout(killer)
      let rss = Number.NaN
      let secs = (performance.now() - started) / 1000
      try {
        const [kb, e] = readFileSync(timing, 'utf8').trim().split('\n').at(-1)?.split(' ') ?? []
        rss = Number(kb) / 1024
        secs = Number(e)
      } catch {}
      rmSync(timing, { force: true })
      resolve({ code, killed, rssMiB: rss, seconds: secs, stderr })
    })
  })
}

const storeRecords = (db: string): number => {
  const d = new Database(db, { readonly: true })
  try {
    return (d.prepare('SELECT COUNT(*) AS n FROM observations').get() as { n: number }).n
  } finally {
    d.close()
  }
}

const vulnRecords = (db: string): number => {
  const d = new Database(db, { readonly: true })
  try {
    const n = (sql: string) => (d.prepare(sql).get() as { n: number }).n
    return n('SELECT COUNT(*) AS n FROM vuln_record') + n('SELECT COUNT(*) AS n FROM kev')
  } finally {
    d.close()
  }
}

const kevJson = readFileSync(sharedData('vulns', 'kev.json'))
const kevGz = gzipSync(kevJson)
const nvdGz = readFileSync(sharedData('vulns', 'nvd-1.1-iot-subset.json.gz'))
const badCrc = Buffer.from(kevGz)
badCrc.writeUInt32LE((badCrc.readUInt32LE(badCrc.length - 8) ^ 1) >>> 0, badCrc.length - 8)
const kevObject = JSON.stringify({ ...JSON.parse(kevJson.toString()), vulnerabilities: { a: 1 } })

interface Case {
  name: string
  what: string
  args: () => string[]
  /** records committed to the vulnerability database, when the case imports a feed */
  db?: string
  /** records committed to the scan store, when the case imports scan records */
  store?: string
}
let dbN = 0
const vulnCase = (name: string, what: string, inputs: () => string[]): Case => {
  const db = join(work, `v${dbN++}.db`)
  return { name, what, args: () => ['vuln', 'import', '--db', db, ...inputs()], db }
}

const cases: Case[] = [
  vulnCase('bracket-bomb', 'gzip: NVD 1.1 header + 64 MiB of "["', () => [
    file(
      'bomb.json.gz',
      gzipSync(
        Buffer.concat([Buffer.from('{"CVE_data_type":"CVE","CVE_Items":['), Buffer.alloc(64 << 20, '[')]),
      ),
    ),
  ]),
  {
    name: 'deep-jsonl',
    what: '`import`: data nested 5,000 levels, then 1,000 good lines',
    args: () => {
      const rec = (i: number) => ({
        ip: `127.33.${i >> 8}.${i & 255}`,
        port: 23,
        transport: 'tcp',
        protocol: 'telnet',
        timestamp: '2026-11-01T00:00:00Z',
        scan_id: 'hostile',
        status: 'success',
        banner: 'login:',
        data: {},
      })
      const deep = JSON.stringify({ ...rec(0), data: 0 }).replace(
        '"data":0',
        `"data":${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`,
      )
      const lines = [deep, ...Array.from({ length: 1000 }, (_, i) => JSON.stringify(rec(i + 1)))]
      return ['import', '--db', join(work, 'store.db'), file('deep.jsonl', `${lines.join('\n')}\n`)]
    },
    store: join(work, 'store.db'),
  },
  { name: 'targets-dev-zero', what: '`scan @/dev/zero`', args: () => ['scan', '@/dev/zero', '-p', '23'] },
  {
    name: 'exclude-dev-zero',
    what: '`scan --exclude /dev/zero`',
    args: () => ['scan', '127.33.0.1', '-p', '23', '--exclude', '/dev/zero'],
  },
  {
    name: 'scope-dev-zero',
    what: '`scan --scope /dev/zero`',
    args: () => ['scan', '127.33.0.1', '-p', '23', '--scope', '/dev/zero'],
  },
  vulnCase('truncated-gzip', 'KEV gzip cut at 60 %', () => [
    file('cut.json.gz', kevGz.subarray(0, Math.floor(kevGz.length * 0.6))),
  ]),
  vulnCase('bad-crc', 'KEV gzip with a wrong CRC-32', () => [file('crc.json.gz', badCrc)]),
  vulnCase('trailing-bytes', 'KEV gzip + 100 bytes of garbage', () => [
    file('trail.json.gz', Buffer.concat([kevGz, Buffer.alloc(100, 'x')])),
  ]),
  vulnCase('multi-member', 'NVD 1.1 gzip split into 2 members (as `cat a.gz b.gz`)', () => {
    const raw = gunzipSync(nvdGz)
    const cut = Math.floor(raw.length / 2)
    return [
      file('multi.json.gz', Buffer.concat([gzipSync(raw.subarray(0, cut)), gzipSync(raw.subarray(cut))])),
    ]
  }),
  vulnCase('kev-object', 'KEV with "vulnerabilities": {…}', () => [file('kev-object.json', kevObject)]),
  vulnCase('unknown-beside-good', 'a file of no known format + the real KEV', () => [
    file('unknown.json', '{"hello":1}'),
    sharedData('vulns', 'kev.json'),
  ]),
]

const rows: string[] = []
for (const c of cases) {
  if (only && !only.has(c.name)) continue
  const r = await mamori(c.args())
  const committed = c.db ? String(vulnRecords(c.db)) : c.store ? String(storeRecords(c.store)) : ''
  const status = r.killed ? `killed at ${TIMEOUT_S} s` : `exit ${r.code}`
  const firstLine = r.stderr.split('\n').find((l) => l.trim() !== '') ?? ''
  rows.push(
    `| ${c.what} | ${status} | ${r.rssMiB.toFixed(0)} MiB | ${r.seconds.toFixed(2)} s | ${committed} | ${firstLine.slice(0, 140).replaceAll('|', '\\|')} |`,
  )
  process.stderr.write(`${c.name}: ${status}, ${r.rssMiB.toFixed(0)} MiB, ${r.seconds} s ${committed}\n`)
}
process.stdout.write(
  `| input | outcome | peak RSS | time | records committed | first line on stderr |\n|---|---|---|---|---|---|\n${rows.join('\n')}\n`,
)
rmSync(work, { recursive: true, force: true })

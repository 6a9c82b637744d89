// Store and search benchmark: builds a store of N service observations from real Recog banners
// (~20 ports, several services per host, S scans of history with firmware changes), then measures
// ingest rate, latency of 20 representative queries, facets, and size per observation, and answers
// the same questions with a naive streaming filter over the JSONL file, in the same run.
// No network traffic: addresses are data only.
//
//   node --import tsx bench/store-bench.ts --observations 1000000 [--scans 10] [--pg] [--baseline 20]
import { createReadStream, createWriteStream, existsSync, mkdirSync, rmSync, statSync } from 'node:fs'
import { cpus, loadavg } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { parseArgs } from 'node:util'
import Database from 'better-sqlite3'
import pg from 'pg'
import type { ScanRecord } from '../src/core/record.js'
import { parseQuery } from '../src/query/parser.js'
import { openStore } from '../src/store/open-store.js'
import type { Store } from '../src/store/store.js'
import { StoreStream } from './store-stream.js'

const { values: args } = parseArgs({
  options: {
    observations: { type: 'string', default: '1000000' },
    scans: { type: 'string', default: '10' },
    pg: { type: 'boolean', default: false },
    baseline: { type: 'string', default: '20' },
    dir: { type: 'string', default: '/tmp/mamori-store-bench' },
    runs: { type: 'string', default: '5' },
  },
})
const N = Number(args.observations)
const SCANS = Number(args.scans)
const RUNS = Number(args.runs)
const PER_SCAN = Math.floor(N / SCANS)
const BATCH = 5000

const stream = new StoreStream({ services: PER_SCAN, scans: SCANS, batch: BATCH })

/** 20 representative questions, each with the same question as a predicate over one JSON record. */
type Pred = (r: ScanRecord) => boolean
const lc = (s: string | undefined) => (s ?? '').toLowerCase()
const words = (s: string): string[] => s.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []
const hasWord = (r: ScanRecord, w: string) => words(r.banner).includes(w)
const ipIn = (ip: string, prefix: string) => ip.startsWith(prefix)
const QUERIES: [string, Pred][] = [
  ['port:23', (r) => r.port === 23],
  [
    'port:23,2323 -product:"BusyBox"',
    (r) => (r.port === 23 || r.port === 2323) && lc(r.fingerprint?.product) !== 'busybox',
  ],
  ['product:OpenSSH', (r) => lc(r.fingerprint?.product) === 'openssh'],
  ['vendor:Axis', (r) => lc(r.fingerprint?.vendor) === 'axis'],
  ['device:"IP Camera" port:554', (r) => lc(r.fingerprint?.device_type) === 'ip camera' && r.port === 554],
  ['net:10.0.3.0/24', (r) => ipIn(r.ip, '10.0.3.')],
  ['net:10.0.0.0/16 port:80', (r) => ipIn(r.ip, '10.0.') && r.port === 80],
  ['ip:10.0.1.77', (r) => r.ip === '10.0.1.77'],
  ['login', (r) => hasWord(r, 'login')],
  ['"openssh 7"', (r) => / openssh 7 /.test(` ${words(r.banner).join(' ')} `)],
  ['dropbear -port:22', (r) => hasWord(r, 'dropbear') && r.port !== 22],
  ['-port:80', (r) => r.port !== 80],
  ['port:8000-8099', (r) => r.port >= 8000 && r.port <= 8099],
  [
    'http.server:nginx',
    (r) => lc((r.data.http as { server?: string } | undefined)?.server).includes('nginx'),
  ],
  ['os:Linux port:23', (r) => lc(r.fingerprint?.os) === 'linux' && r.port === 23],
  ['version:2.0', (r) => lc(r.fingerprint?.version) === '2.0'],
  [
    'protocol:ftp vendor:"ProFTPD Project"',
    (r) => r.protocol === 'ftp' && lc(r.fingerprint?.vendor) === 'proftpd project',
  ],
  ['vendor:hikvision,dahua,axis', (r) => ['hikvision', 'dahua', 'axis'].includes(lc(r.fingerprint?.vendor))],
  ['banner:MikroTik', (r) => lc(r.banner).includes('mikrotik')],
  ['after:2026-10-05 port:21', (r) => r.timestamp >= '2026-10-05' && r.port === 21],
]
const FACETS = [
  { field: 'vendor', limit: 10 },
  { field: 'product', limit: 10 },
  { field: 'device', limit: 10 },
  { field: 'http.server', limit: 10 },
]

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] as number
}
const ms = (n: number) => `${n.toFixed(1)} ms`

async function measureStore(label: string, store: Store, sizeOf: () => Promise<number>) {
  let stored = 0
  let ingestMs = 0
  let cpuUs = 0
  for (const [, batch] of stream.batches()) {
    const t = performance.now()
    const c = process.cpuUsage()
    stored += (await store.ingest(batch)).stored
    const used = process.cpuUsage(c)
    cpuUs += used.user + used.system
    ingestMs += performance.now() - t
  }
  const rate = stored / (ingestMs / 1000)
  // on a shared machine wall time includes waiting for a core; CPU time is what the ingest itself costs
  const cpuRate = stored / (cpuUs / 1e6)
  const ta = performance.now()
  await store.analyze()
  console.log(`[${label}] analyze: ${((performance.now() - ta) / 1000).toFixed(1)} s`)
  console.log(
    `[${label}] ingest: ${stored} observations in ${(ingestMs / 1000).toFixed(1)} s = ${Math.round(rate)} records/s wall${label === 'sqlite' ? `, ${Math.round(cpuRate)} records per CPU-second (SQLite runs in this process)` : ''} (load ${loadavg()[0]?.toFixed(1)})`,
  )
  const lat: number[] = []
  const perQuery: Record<string, number> = {}
  for (const [q] of QUERIES) {
    const ast = parseQuery(q)
    const runs: number[] = []
    for (let i = 0; i < RUNS; i++) {
      const t = performance.now()
      await store.search(ast, { limit: 100 })
      runs.push(performance.now() - t)
    }
    perQuery[q] = pct(runs, 50)
    lat.push(...runs)
  }
  const counts: number[] = []
  for (const [q] of QUERIES) {
    const t = performance.now()
    await store.count(parseQuery(q))
    counts.push(performance.now() - t)
  }
  const facetRuns: number[] = []
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now()
    await store.facets(parseQuery('port:80'), FACETS)
    facetRuns.push(performance.now() - t)
  }
  const bytes = await sizeOf()
  console.log(
    `[${label}] 20 queries (first page of 100, ${RUNS} runs each): p50 ${ms(pct(lat, 50))}, p99 ${ms(pct(lat, 99))}`,
  )
  console.log(
    `[${label}] total counts for the same 20: p50 ${ms(pct(counts, 50))}, p99 ${ms(pct(counts, 99))}`,
  )
  console.log(
    `[${label}] facets port:80 × 4 fields (+ total): p50 ${ms(pct(facetRuns, 50))}, max ${ms(Math.max(...facetRuns))}`,
  )
  console.log(
    `[${label}] size: ${(bytes / 2 ** 20).toFixed(0)} MiB = ${(bytes / stored).toFixed(0)} bytes/observation`,
  )
  return { rate, perQuery, p50: pct(lat, 50), p99: pct(lat, 99), facets: pct(facetRuns, 50), bytes, stored }
}

async function baseline(file: string, pred: Pred): Promise<number> {
  const t = performance.now()
  let n = 0
  const rl = createInterface({ input: createReadStream(file), crlfDelay: Number.POSITIVE_INFINITY })
  for await (const line of rl) if (pred(JSON.parse(line))) n++
  // keep the filter's work observable so it cannot be optimised away
  if (n < 0) throw new Error('impossible')
  return performance.now() - t
}

/** How fast this machine is right now: a trivial one-index SQLite insert (about 1 µs/row on an idle modern core). */
function calibrate(): string {
  const db = new Database(':memory:')
  db.exec('CREATE TABLE t (a INTEGER PRIMARY KEY, b TEXT, c INTEGER); CREATE INDEX t_c ON t (c)')
  const ins = db.prepare('INSERT INTO t (b, c) VALUES (?, ?)')
  const t = performance.now()
  db.transaction(() => {
    for (let i = 0; i < 100_000; i++) ins.run(`row ${i}`, (i * 7919) % 100_000)
  })()
  const us = ((performance.now() - t) * 1000) / 100_000
  db.close()
  return `calibration: trivial SQLite insert ${us.toFixed(1)} µs/row`
}

async function main() {
  rmSync(args.dir, { recursive: true, force: true })
  mkdirSync(args.dir, { recursive: true })
  const services = PER_SCAN
  console.log(
    `machine: ${cpus().length} cores, load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}; ${calibrate()}`,
  )
  console.log(
    `store bench: ${N} observations = ${SCANS} scans × ${services} services, ${stream.corpus.length} real Recog banners`,
  )

  // the JSONL the baseline scans: the same records, written once
  const jsonl = join(args.dir, 'records.jsonl')
  {
    const t = performance.now()
    const out = createWriteStream(jsonl)
    for (const [, batch] of stream.batches()) {
      const ok = out.write(`${batch.map((r) => JSON.stringify(r)).join('\n')}\n`)
      if (!ok) await new Promise<void>((r) => out.once('drain', () => r()))
    }
    await new Promise<void>((r) => out.end(() => r()))
    console.log(
      `jsonl: ${(statSync(jsonl).size / 2 ** 20).toFixed(0)} MiB written in ${((performance.now() - t) / 1000).toFixed(1)} s`,
    )
  }

  const dbFile = join(args.dir, 'bench.db')
  const sqlite = await openStore(dbFile)
  const s = await measureStore('sqlite', sqlite, async () => {
    await sqlite.close()
    const db = new Database(dbFile)
    db.pragma('wal_checkpoint(TRUNCATE)')
    db.close()
    return statSync(dbFile).size + (existsSync(`${dbFile}-wal`) ? statSync(`${dbFile}-wal`).size : 0)
  })

  let p: Awaited<ReturnType<typeof measureStore>> | undefined
  if (args.pg) {
    const url = process.env.MAMORI_PG_TEST_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
    const schema = `mamori_bench_${process.pid}`
    const admin = new pg.Client(url)
    await admin.connect()
    await admin.query(`CREATE SCHEMA ${schema}`)
    try {
      const store = await openStore(`${url}?schema=${schema}`)
      p = await measureStore('postgres', store, async () => {
        await store.close()
        const r = await admin.query(
          `SELECT sum(pg_total_relation_size(c.oid))::bigint AS n FROM pg_class c JOIN pg_namespace ns ON ns.oid = c.relnamespace
           WHERE ns.nspname = $1 AND c.relkind = 'r'`,
          [schema],
        )
        return Number(r.rows[0].n)
      })
    } finally {
      await admin.query(`DROP SCHEMA ${schema} CASCADE`)
      await admin.end()
    }
  }

  const nBase = Math.min(Number(args.baseline), QUERIES.length)
  console.log(
    `\nbaseline: naive streaming filter over the JSONL (${nBase} of the 20 questions), vs SQLite first page`,
  )
  console.log(`| query | JSONL scan | SQLite | ratio |${p ? ' PostgreSQL |' : ''}`)
  console.log(`|---|---:|---:|---:|${p ? '---:|' : ''}`)
  const ratios: number[] = []
  for (const [i, [q, pred]] of QUERIES.entries()) {
    const base = i < nBase ? await baseline(jsonl, pred) : undefined
    const sq = s.perQuery[q] as number
    if (base !== undefined) ratios.push(base / sq)
    console.log(
      `| \`${q}\` | ${base === undefined ? '-' : ms(base)} | ${ms(sq)} | ${base === undefined ? '-' : `${Math.round(base / sq)}×`} |` +
        (p ? ` ${ms(p.perQuery[q] as number)} |` : ''),
    )
  }
  console.log(`median speed-up of SQLite over the JSONL scan: ${Math.round(pct(ratios, 50))}×`)
  rmSync(args.dir, { recursive: true, force: true })
}

await main()

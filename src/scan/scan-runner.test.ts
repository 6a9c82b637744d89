import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import { copyFile, mkdtemp, readFile, writeFile } from 'node:fs/promises'
import net from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import type { Fingerprint, ScanRecord } from '../core/record.js'
import type { Enricher, RecordSink } from '../core/sink.js'
import type { Target } from '../core/target.js'
import { DEFAULT_DISCOVERY } from '../discovery/discovery.js'
import { readResumeState } from '../targets/resume-state.js'
import type { HostFusionLimits } from './host-fusion-stage.js'
import { JsonlFileSink } from './jsonl-file-sink.js'
import { buildScanPlan } from './scan-plan.js'
import { type GrabFunction, runScan } from './scan-runner.js'

// This file's loopback block: 127.19.102.0/24; every address 127.19.102.1-64 has port 8000 open.
// Host fusion: 127.19.102.100-103 have 8002 and 8003 open, 127.19.102.104 has 8002, 8003 and 8004.
const HOSTS = 64
const servers: net.Server[] = []
const dir = await mkdtemp(join(tmpdir(), 'mamori-scan-runner-'))
const FUSION_PORTS: [number, number[]][] = [
  [100, [8002, 8003]],
  [101, [8002, 8003]],
  [102, [8002, 8003]],
  [103, [8002, 8003]],
  [104, [8002, 8003, 8004]],
]

async function listen(host: string, port: number) {
  const s = net.createServer((c) => c.destroy())
  servers.push(s)
  await new Promise<void>((r) => s.listen({ host, port }, r))
}

before(async () => {
  for (let h = 1; h <= HOSTS; h++) await listen(`127.19.102.${h}`, 8000)
  for (const [h, ports] of FUSION_PORTS) for (const port of ports) await listen(`127.19.102.${h}`, port)
})
after(async () => {
  for (const s of servers) await new Promise((r) => s.close(r))
})

/** A grab stage that takes `ms` per service and tracks how many run at once. */
function slowGrab(ms: number) {
  const stats = { running: 0, max: 0, calls: [] as string[] }
  const grab: GrabFunction = async (t: Target, o) => {
    stats.running++
    stats.max = Math.max(stats.max, stats.running)
    stats.calls.push(`${t.ip}:${t.port}`)
    await new Promise((r) => setTimeout(r, ms))
    stats.running--
    const record: ScanRecord = {
      ip: t.ip,
      port: t.port,
      transport: t.transport,
      protocol: 'unknown',
      timestamp: new Date().toISOString(),
      scan_id: o.scanId,
      status: 'success',
      banner: '',
      data: {},
    }
    return record
  }
  return { grab, stats }
}

async function readRecords(path: string): Promise<ScanRecord[]> {
  const text = await readFile(path, 'utf8').catch(() => '')
  return text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as ScanRecord)
}

const request = {
  targets: [`127.19.102.1-${HOSTS}`, '127.19.102.200-127.19.102.210'],
  ports: '8000,8001',
  exclude: [],
  seed: 11,
}

test('grab concurrency is bounded and enrichers run in order before the sinks', async () => {
  const plan = await buildScanPlan(request)
  const out = join(dir, 'bounded.jsonl')
  const sink = new JsonlFileSink(out)
  await sink.ready()
  const { grab, stats } = slowGrab(20)
  const order: string[] = []
  let grabsBeforePrepare: number | undefined
  const enrichers: Enricher[] = [
    {
      name: 'first',
      prepare: () => {
        grabsBeforePrepare = stats.calls.length
      },
      enrich: (r) => void order.push(`first ${r.ip}`),
    },
    {
      name: 'second',
      enrich: async (r) => {
        order.push(`second ${r.ip}`)
        r.banner = 'enriched'
      },
    },
    {
      name: 'broken',
      enrich: () => {
        throw new Error('boom')
      },
    },
  ]
  const summary = await runScan({
    plan,
    discovery: { ...DEFAULT_DISCOVERY, timeoutMs: 500 },
    grab,
    grabConcurrency: 3,
    enrichers,
    sinks: [sink],
  })
  await sink.close()
  const records = await readRecords(out)
  assert.equal(stats.max, 3)
  assert.equal(summary.open, HOSTS)
  assert.equal(summary.closed, HOSTS + 2 * 11)
  assert.equal(summary.records, HOSTS)
  assert.equal(summary.enrich_errors, HOSTS)
  assert.equal(records.length, HOSTS)
  assert.ok(records.every((r) => r.banner === 'enriched' && r.port === 8000))
  assert.equal(new Set(records.map((r) => r.ip)).size, HOSTS)
  const firstIp = order[0]?.split(' ')[1]
  assert.deepEqual(order.slice(0, 2), [`first ${firstIp}`, `second ${firstIp}`])
  assert.equal(grabsBeforePrepare, 0, 'stages load before the first grab')
})

test('a stage that cannot load stops the scan before any probe', async () => {
  const plan = await buildScanPlan(request)
  const { grab, stats } = slowGrab(0)
  const enrichers: Enricher[] = [
    {
      name: 'fingerprint',
      prepare: () => {
        throw new Error('cannot read the rule database')
      },
      enrich: () => {},
    },
  ]
  await assert.rejects(
    runScan({ plan, discovery: DEFAULT_DISCOVERY, grab, grabConcurrency: 3, enrichers, sinks: [] }),
    /cannot read the rule database/,
  )
  assert.equal(stats.calls.length, 0)
})

/**
 * A scan interrupted after its 20th grab, then resumed from its state file to the end: what each run
 * reported and the records written before the interrupt and in all.
 */
async function interruptThenResume(
  name: string,
  o: { grabDelayMs: number; enrichers: Enricher[]; hostFusion?: HostFusionLimits },
) {
  const out = join(dir, `${name}.jsonl`)
  const stateFile = join(dir, `${name}.state.json`)
  const plan = await buildScanPlan(request)
  const first = slowGrab(o.grabDelayMs)
  const controller = new AbortController()
  const stages = { enrichers: o.enrichers, ...(o.hostFusion ? { hostFusion: o.hostFusion } : {}) }
  const sink = new JsonlFileSink(out)
  await sink.ready()
  const interrupted = await runScan({
    plan,
    discovery: { ...DEFAULT_DISCOVERY, timeoutMs: 500 },
    grab: async (t, g) => {
      const r = await first.grab(t, g)
      if (first.stats.calls.length === 20) controller.abort()
      return r
    },
    grabConcurrency: 2,
    ...stages,
    sinks: [sink],
    signal: controller.signal,
    stateFile,
  })
  await sink.close()
  const state = await readResumeState(stateFile)
  await copyFile(stateFile, join(dir, `${name}.interrupted.state.json`))
  const before = await readRecords(out)

  const resumedPlan = await buildScanPlan({ targets: [], ports: '', exclude: [] }, state)
  const sink2 = new JsonlFileSink(out)
  await sink2.ready()
  const resumed = await runScan({
    plan: resumedPlan,
    discovery: { ...DEFAULT_DISCOVERY, timeoutMs: 500 },
    grab: slowGrab(1).grab,
    grabConcurrency: 8,
    ...stages,
    sinks: [sink2],
    stateFile,
  })
  await sink2.close()
  return {
    plan,
    resumedPlan,
    interrupted,
    resumed,
    grabbedBefore: first.stats.calls.length,
    before,
    all: await readRecords(out),
    stateFile,
  }
}

test('an interrupted scan resumes without repeating or skipping a target', async () => {
  const run = await interruptThenResume('resume', { grabDelayMs: 15, enrichers: [] })
  assert.ok(run.interrupted.interrupted)
  assert.equal(run.interrupted.state_file, run.stateFile)
  assert.ok(
    run.before.length >= 19 && run.before.length < HOSTS,
    `${run.before.length} records before the interrupt`,
  )
  assert.equal(run.resumedPlan.scanId, run.plan.scanId)
  assert.equal(run.resumed.interrupted, false)
  const keys = run.all.map((r) => `${r.ip}:${r.port}`)
  assert.equal(new Set(keys).size, keys.length, 'no service written twice')
  assert.equal(keys.length, HOSTS, 'every open service written once')
  // the resumed run probed only what the first left unfinished: no closed port was probed again
  assert.equal(run.interrupted.probed, 150)
  assert.equal(run.resumed.closed, 0)
  assert.equal(run.resumed.probed, HOSTS - run.before.length)
  assert.equal(existsSync(run.stateFile), false, 'a finished scan leaves no state to resume')
})

test('a resume state that no longer matches the space is refused', async () => {
  const state = await readResumeState(join(dir, 'resume.interrupted.state.json'))
  await assert.rejects(buildScanPlan(request, { ...state, exclude: ['127.19.102.1'] }), /different space/)
})

test('UDP ports skip discovery and reach the grab stage as udp targets', async () => {
  const plan = await buildScanPlan({
    targets: ['127.19.102.230-232'],
    ports: '8001,U:5683',
    exclude: [],
    seed: 2,
  })
  const { grab, stats } = slowGrab(1)
  const seen: Target[] = []
  const summary = await runScan({
    plan,
    discovery: { ...DEFAULT_DISCOVERY, timeoutMs: 500 },
    grab: (t, o) => {
      seen.push(t)
      return grab(t, o)
    },
    grabConcurrency: 4,
    enrichers: [],
    sinks: [],
  })
  assert.equal(summary.udp, 3)
  assert.equal(summary.probed, 3, 'only the TCP port was probed')
  assert.equal(summary.closed, 3)
  assert.deepEqual(seen.map((t) => `${t.ip}:${t.port}/${t.transport}`).sort(), [
    '127.19.102.230:5683/udp',
    '127.19.102.231:5683/udp',
    '127.19.102.232:5683/udp',
  ])
  assert.equal(stats.calls.length, 3)
})

test('a missing, corrupt or malformed resume state is refused with ERR_RESUME', async () => {
  const bad = join(dir, 'bad.state.json')
  const cases: [string | undefined, RegExp][] = [
    [undefined, /cannot read resume state/],
    ['{"version":1,', /cannot read resume state/],
    ['[]', /is invalid/],
    [JSON.stringify({ version: 3 }), /version/],
    [JSON.stringify({ version: 1, scan_id: 'x' }), /older mamori that did not keep the scan's options/],
    [
      JSON.stringify({
        version: 2,
        scan_id: 'x',
        targets: ['127.19.102.1'],
        ports: '80',
        exclude: [],
        scope_file: null,
        seed: 1,
        shard: '0/1',
        space_hash: 'h',
        watermark: -5,
        done_above: [],
      }),
      /watermark/,
    ],
  ]
  for (const [content, pattern] of cases) {
    const path = content === undefined ? join(dir, 'missing.state.json') : bad
    if (content !== undefined) await writeFile(bad, content)
    await assert.rejects(readResumeState(path), (err) => {
      assert.ok(err instanceof Error && 'code' in err && err.code === 'ERR_RESUME', String(err))
      assert.match(err.message, pattern)
      return true
    })
  }
})

/**
 * A `fingerprint` stage for the host-fusion hosts: 8002 names no vendor (as a bare telnet login),
 * 8003 names Maker<n> (127.19.102.104: Acme, and its 8004 Other); the port-8000 services name none.
 */
const fingerprintStage: Enricher = {
  name: 'fingerprint',
  enrich(r) {
    const host = Number(r.ip.split('.')[3])
    const fp: Fingerprint = { product: 'BusyBox telnetd', cpe: [] }
    if (r.port === 8003) fp.vendor = host === 104 ? 'Acme' : `Maker${host}`
    if (r.port === 8004) fp.vendor = 'Other'
    r.fingerprint = fp
  },
}

/** A stage after fingerprinting (where the audit goes) that notes the vendor it was given. */
function vendorSeen() {
  const seen = new Map<string, string>()
  const stage: Enricher = {
    name: 'audit',
    enrich: (r) => void seen.set(`${r.ip}:${r.port}`, r.fingerprint?.vendor ?? '-'),
  }
  return { seen, stage }
}

test("host fusion: a vendorless service that arrives before its host's identifying one gets its vendor", async () => {
  const plan = await buildScanPlan({
    targets: ['127.19.102.100-103'],
    ports: '8002,8003',
    exclude: [],
    seed: 5,
  })
  const { grab, stats } = slowGrab(5)
  const { seen, stage } = vendorSeen()
  const written: ScanRecord[] = []
  const started = performance.now()
  const summary = await runScan({
    plan,
    discovery: { ...DEFAULT_DISCOVERY, timeoutMs: 500 },
    grab,
    // one slot: a held record must not keep it, or the identifying grab could not run
    grabConcurrency: 1,
    enrichers: [fingerprintStage, stage],
    hostFusion: { maxAgeMs: 30_000 },
    sinks: [{ write: (r) => void written.push(r), close: async () => {} }],
  })
  assert.ok(performance.now() - started < 10_000, 'nothing waited for the age cap')
  assert.equal(summary.records, 8)
  const heldFirst = [100, 101, 102, 103].filter(
    (h) => stats.calls.indexOf(`127.19.102.${h}:8002`) < stats.calls.indexOf(`127.19.102.${h}:8003`),
  )
  assert.ok(heldFirst.length > 0, `the seed grabs some vendorless service first: ${stats.calls.join(' ')}`)
  for (const h of [100, 101, 102, 103]) {
    const telnet = written.find((r) => r.ip === `127.19.102.${h}` && r.port === 8002)
    assert.equal(telnet?.fingerprint?.vendor, `Maker${h}`)
    assert.deepEqual(telnet?.fingerprint?.inferred, { fields: ['vendor'], from: 'tcp/8003' })
    assert.equal(
      seen.get(`127.19.102.${h}:8002`),
      `Maker${h}`,
      'the audit stage is given the inferred vendor',
    )
  }
})

test('host fusion: a host whose services name two vendors gives none to the others', async () => {
  const plan = await buildScanPlan({ targets: ['127.19.102.104'], ports: '8002-8004', exclude: [], seed: 5 })
  const { grab } = slowGrab(1)
  const written: ScanRecord[] = []
  await runScan({
    plan,
    discovery: { ...DEFAULT_DISCOVERY, timeoutMs: 500 },
    // the vendorless service comes last, when both vendors are known
    grab: async (t, o) => {
      if (t.port === 8002) await new Promise((r) => setTimeout(r, 300))
      return grab(t, o)
    },
    grabConcurrency: 4,
    enrichers: [fingerprintStage],
    hostFusion: {},
    sinks: [{ write: (r) => void written.push(r), close: async () => {} }],
  })
  assert.deepEqual(written.map((r) => `${r.port} ${r.fingerprint?.vendor ?? '-'}`).sort(), [
    '8002 -',
    '8003 Acme',
    '8004 Other',
  ])
})

test('host fusion: held records are written before an interrupt saves the state, and resume adds the rest once', async () => {
  // no service names a vendor: every record waits until the interrupt flushes the holding area
  const run = await interruptThenResume('fusion-resume', {
    grabDelayMs: 5,
    enrichers: [fingerprintStage],
    hostFusion: {},
  })
  assert.ok(run.interrupted.interrupted)
  assert.equal(run.before.length, run.grabbedBefore, 'every grabbed record was written')
  assert.equal(run.interrupted.records, run.before.length)
  const keys = run.all.map((r) => `${r.ip}:${r.port}`)
  assert.equal(new Set(keys).size, keys.length, 'no service written twice')
  assert.equal(keys.length, HOSTS, 'every open service written once')
})

test('host fusion: when a sink fails, released records not yet written stay unfinished for the resume', async () => {
  const out = join(dir, 'fusion-failure.jsonl')
  const stateFile = join(dir, 'fusion-failure.state.json')
  const plan = await buildScanPlan(request)
  const file = new JsonlFileSink(out)
  await file.ready()
  let writes = 0
  const failing: RecordSink = {
    write: async (r) => {
      if (++writes === 3) throw new Error('disk full')
      await file.write(r)
    },
    close: () => file.close(),
  }
  await assert.rejects(
    runScan({
      plan,
      discovery: { ...DEFAULT_DISCOVERY, timeoutMs: 500 },
      grab: slowGrab(1).grab,
      grabConcurrency: 1,
      enrichers: [fingerprintStage],
      hostFusion: {},
      sinks: [failing],
      stateFile,
    }),
    /disk full/,
  )
  await failing.close()
  assert.equal((await readRecords(out)).length, 2)

  const sink2 = new JsonlFileSink(out)
  await sink2.ready()
  const resumed = await runScan({
    plan: await buildScanPlan({ targets: [], ports: '', exclude: [] }, await readResumeState(stateFile)),
    discovery: { ...DEFAULT_DISCOVERY, timeoutMs: 500 },
    grab: slowGrab(1).grab,
    grabConcurrency: 8,
    enrichers: [fingerprintStage],
    hostFusion: {},
    sinks: [sink2],
    stateFile,
  })
  await sink2.close()
  assert.equal(resumed.records, HOSTS - 2, 'the resume grabs again every record that was not written')
  const keys = (await readRecords(out)).map((r) => `${r.ip}:${r.port}`)
  assert.equal(new Set(keys).size, HOSTS)
  assert.equal(keys.length, HOSTS)
})

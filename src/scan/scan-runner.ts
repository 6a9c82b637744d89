import { rm } from 'node:fs/promises'
import type { ConnectionLimits } from '../core/connection.js'
import { MamoriError } from '../core/errors.js'
import { formatIPv4 } from '../core/ipv4.js'
import type { ScanRecord } from '../core/record.js'
import type { Enricher, RecordSink } from '../core/sink.js'
import type { Target, Transport } from '../core/target.js'
import { Discovery, type DiscoveryOptions, type DiscoveryStats } from '../discovery/discovery.js'
import { CompletionTracker } from '../targets/completion-tracker.js'
import { type ResumeState, writeResumeState } from '../targets/resume-state.js'
import { type HostFusionLimits, HostFusionStage } from './host-fusion-stage.js'
import type { ScanPlan } from './scan-plan.js'

/** The grab stage's contract (src/grab/grab-service.ts). */
export type GrabFunction = (
  target: Target,
  options: { scanId: string; limits?: Partial<ConnectionLimits>; credentialAudit?: boolean },
) => Promise<ScanRecord>

export interface ScanRunOptions {
  plan: ScanPlan
  discovery: DiscoveryOptions
  grab: GrabFunction
  grabConcurrency: number
  grabLimits?: Partial<ConnectionLimits>
  /** Passed to the grab stage: modules may try a credential (SNMP community) only when true. */
  credentialAudit?: boolean
  enrichers: readonly Enricher[]
  /**
   * Host fusion right after the `fingerprint` enricher: a record whose banner names no vendor waits,
   * within these bounds, for a service of its host that names one (host-fusion-stage.ts). Off when absent.
   */
  hostFusion?: HostFusionLimits
  sinks: readonly RecordSink[]
  /** Aborting stops the scan where it is and saves the resume state. */
  signal?: AbortSignal
  /**
   * Resume state path: written on interrupt or failure and every `stateEveryMs` during long scans;
   * removed when the scan finishes.
   */
  stateFile?: string
  stateEveryMs?: number
  onProgress?: (p: ScanProgress) => void
  progressEveryMs?: number
}

export interface ScanProgress {
  /** Share of this shard's space walked, 0..1. */
  fraction: number
  probed: number
  open: number
  records: number
  elapsedMs: number
  /** Probes per second since the start. */
  rate: number
}

export interface ScanSummary {
  scan_id: string
  engine: 'js' | 'native'
  seed: number
  shard: string
  targets: number
  probed: number
  open: number
  closed: number
  filtered: number
  errors: number
  udp: number
  records: number
  enrich_errors: number
  duration_ms: number
  rate: number
  interrupted: boolean
  state_file?: string
}

interface Pending {
  ticket: number
  ip: number
  port: number
  transport: Transport
}

/** A record past host fusion, waiting for a slot to run the later enrichers and the sinks. */
interface Released {
  ticket: number
  record: ScanRecord
}

/**
 * Runs a planned scan: permutation → discovery → grab (bounded, back-pressured) → enrichers in
 * order (with host fusion after fingerprinting, when asked) → sinks. Every target ends in the
 * completion tracker exactly once, and a record's only after it is written, so the state written on
 * interrupt resumes without repeats or gaps.
 */
export async function runScan(o: ScanRunOptions): Promise<ScanSummary> {
  const { plan } = o
  for (const e of o.enrichers) await e.prepare?.()
  const started = performance.now()
  const tracker = new CompletionTracker(plan.startPosition)
  const cursor = plan.permutation.cursor(plan.startPosition, plan.bounds[1])
  const space = plan.space
  const skip = plan.skip
  const source = (out: { ticket: number; ip: number; port: number; udp: boolean }): boolean => {
    for (;;) {
      const index = cursor.next()
      if (index < 0) {
        tracker.advanceTo(cursor.position)
        return false
      }
      const position = cursor.position - 1
      if (skip.size > 0 && skip.has(position)) continue
      out.ticket = tracker.issue(position)
      out.ip = space.ipAt(index)
      out.port = space.portAt(index)
      out.udp = space.transportAt(index) === 'udp'
      return true
    }
  }

  // host fusion splits the enrichers: those up to fingerprinting run in the grab's slot; a record
  // may then wait in the holding area, which takes no slot, and the rest run in a slot of their own
  const fingerprintAt = o.enrichers.findIndex((e) => e.name === 'fingerprint')
  const fused = o.hostFusion !== undefined && fingerprintAt >= 0
  const early = fused ? o.enrichers.slice(0, fingerprintAt + 1) : o.enrichers
  const late = fused ? o.enrichers.slice(fingerprintAt + 1) : []
  const released: Released[] = []
  let rHead = 0
  let drainScheduled = false
  const fusion = fused
    ? new HostFusionStage<number>((record, ticket) => {
        released.push({ record, ticket })
        // the stage releases from inside a grab, a flush or its timer: one drain afterwards
        if (!drainScheduled) {
          drainScheduled = true
          queueMicrotask(() => {
            drainScheduled = false
            drain()
          })
        }
      }, o.hostFusion)
    : undefined

  const queue: Pending[] = []
  let qHead = 0
  /** Tasks holding a slot: grabs and released records' later stages. */
  let running = 0
  let grabbing = 0
  let records = 0
  let enrichErrors = 0
  let failure: unknown
  let stopping = false
  const maxQueue = Math.max(2, o.grabConcurrency * 2)
  let discoveryDone = false
  let settle: () => void = () => {}
  const allDone = new Promise<void>((resolve) => {
    settle = resolve
  })
  const checkDone = () => {
    if (!discoveryDone || grabbing > 0 || (qHead < queue.length && !stopping)) return
    // no grab is left whose service could name a held record's vendor
    if (fusion && fusion.size > 0 && !failure) {
      fusion.flush()
      return
    }
    // after a failure, released records stay unwritten and unfinished: a resume grabs them again
    if (running === 0 && (rHead >= released.length || failure)) settle()
  }

  const enrich = async (record: ScanRecord, stages: readonly Enricher[]) => {
    for (const e of stages) {
      try {
        await e.enrich(record)
      } catch {
        // one broken enricher must not lose the record or the scan; the count goes in the summary
        enrichErrors++
      }
    }
  }

  /** The later enrichers, the sinks, then the ticket: never finished before the record is written. */
  const finishOne = async (r: Released) => {
    await enrich(r.record, late)
    for (const s of o.sinks) await s.write(r.record)
    records++
    tracker.finish(r.ticket)
  }

  const grabOne = async (p: Pending) => {
    const target: Target = { ip: formatIPv4(p.ip), port: p.port, transport: p.transport }
    const record = await o.grab(target, {
      scanId: plan.scanId,
      limits: o.grabLimits,
      credentialAudit: o.credentialAudit === true,
    })
    if (p.transport === 'udp' && !answered(record)) {
      // UDP has no discovery stage: a port that never answered is not a service
      tracker.finish(p.ticket)
      return
    }
    await enrich(record, early)
    if (fusion) fusion.admit(record, p.ticket)
    else await finishOne({ record, ticket: p.ticket })
  }

  const start = (task: Promise<void>, grab: boolean) => {
    running++
    if (grab) grabbing++
    task
      .catch((err) => {
        failure ??= err
        stop()
      })
      .finally(() => {
        running--
        if (grab) grabbing--
        drain()
      })
  }

  const drain = () => {
    // released records first: they are further along, and their tickets hold the resume watermark
    while (!failure && running < o.grabConcurrency && rHead < released.length) {
      start(finishOne(released[rHead++] as Released), false)
    }
    while (!stopping && running < o.grabConcurrency && qHead < queue.length) {
      start(grabOne(queue[qHead++] as Pending), true)
    }
    if (rHead > 1024 && rHead * 2 > released.length) {
      released.splice(0, rHead)
      rHead = 0
    }
    if (qHead > 1024 && qHead * 2 > queue.length) {
      queue.splice(0, qHead)
      qHead = 0
    }
    if (queue.length - qHead < o.grabConcurrency) discovery.resume()
    checkDone()
  }

  const discovery = new Discovery(o.discovery, source, (ticket, ip, port, state) => {
    if (state === 'open' || state === 'udp') {
      queue.push({ ticket, ip, port, transport: state === 'udp' ? 'udp' : 'tcp' })
      if (queue.length - qHead >= maxQueue) discovery.pause()
      drain()
    } else {
      tracker.finish(ticket)
    }
  })

  const saveState = async (path: string) => {
    const snap = tracker.snapshot()
    const state: ResumeState = {
      version: 1,
      scan_id: plan.scanId,
      targets: plan.request.targets,
      ports: plan.request.ports,
      exclude: plan.request.exclude,
      scope_file: plan.request.scopeFile ?? null,
      dns_servers: plan.request.dnsServers ?? [],
      seed: plan.request.seed,
      shard: plan.request.shard,
      space_hash: plan.spaceHash,
      watermark: snap.watermark,
      done_above: snap.doneAbove,
    }
    await writeResumeState(path, state)
  }
  let stateWritten = plan.resumed
  let pendingSave: Promise<void> = Promise.resolve()
  const stateFile = o.stateFile
  const stateTimer = stateFile
    ? setInterval(() => {
        stateWritten = true
        pendingSave = pendingSave.then(() => saveState(stateFile)).catch(() => undefined)
      }, o.stateEveryMs ?? 10_000)
    : undefined

  const progressOf = (): ScanProgress => {
    const elapsedMs = performance.now() - started
    const [a, b] = plan.bounds
    const s = discovery.stats
    return {
      fraction: b > a ? (cursor.position - a) / (b - a) : 1,
      probed: s.probed,
      open: s.open,
      records,
      elapsedMs,
      rate: elapsedMs > 0 ? (s.probed * 1000) / elapsedMs : 0,
    }
  }
  const progressTimer = o.onProgress
    ? setInterval(() => o.onProgress?.(progressOf()), o.progressEveryMs ?? 250)
    : undefined

  function stop() {
    if (stopping) return
    stopping = true
    discovery.stop()
  }
  const onAbort = () => stop()
  o.signal?.addEventListener('abort', onAbort, { once: true })
  if (o.signal?.aborted) stop()

  let stats: DiscoveryStats
  try {
    stats = await discovery.run()
    discoveryDone = true
    checkDone()
    await allDone
  } finally {
    fusion?.close()
    o.signal?.removeEventListener('abort', onAbort)
    if (stateTimer) clearInterval(stateTimer)
    if (progressTimer) clearInterval(progressTimer)
  }
  const interrupted = stopping && !failure
  if (stateFile) {
    await pendingSave
    // stopped early (Ctrl-C or a failure): keep the place; finished: nothing is left to resume
    if (stopping) await saveState(stateFile)
    else if (stateWritten) await rm(stateFile, { force: true })
  }
  if (failure) {
    throw failure instanceof MamoriError
      ? failure
      : new MamoriError('ERR_IO', `scan stopped: ${(failure as Error).message}`, { cause: failure })
  }
  o.onProgress?.(progressOf())
  const duration = performance.now() - started
  return {
    scan_id: plan.scanId,
    engine: stats.engine,
    seed: plan.request.seed,
    shard: plan.request.shard,
    targets: plan.space.size,
    probed: stats.probed,
    open: stats.open,
    closed: stats.closed,
    filtered: stats.filtered,
    errors: stats.error,
    udp: stats.udp,
    records,
    enrich_errors: enrichErrors,
    duration_ms: Math.round(duration),
    rate: Math.round(duration > 0 ? (stats.probed * 1000) / duration : 0),
    interrupted,
    ...(stateFile && interrupted ? { state_file: stateFile } : {}),
  }
}

function answered(record: ScanRecord): boolean {
  return record.status !== 'connection-refused' && record.status !== 'io-timeout'
}

import type { ConnectionLimits } from '../core/connection.js'
import { MamoriError } from '../core/errors.js'
import type { ScanRecord } from '../core/record.js'
import type { Enricher, RecordSink } from '../core/sink.js'
import type { Target } from '../core/target.js'
import { Discovery, type DiscoveryOptions, type DiscoveryStats } from '../discovery/discovery.js'
import { CompletionTracker } from '../targets/completion-tracker.js'
import type { ScanSettings } from '../targets/resume-state.js'
import type { HostFusionLimits } from './host-fusion-stage.js'
import { RecordPipeline } from './record-pipeline.js'
import { ResumeSaver } from './resume-saver.js'
import type { ScanPlan } from './scan-plan.js'
import { targetWalk } from './target-walk.js'

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
  /** The options that shape the scan's traffic and output, kept in the state file for `--resume`. */
  settings?: ScanSettings
  onProgress?: (p: ScanProgress) => void
  progressEveryMs?: number
  /** A host answered: a port open or refused (what verifying a fix needs). */
  onAnswer?: (ip: number) => void
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

/** A caller that gave no settings (tests, embedders) resumes with its discovery and grab options and no outputs. */
function runSettings(o: ScanRunOptions): ScanSettings {
  const d = o.discovery
  return {
    rate: d.rate,
    timeout_ms: d.timeoutMs,
    retries: d.retries,
    max_inflight: d.maxInflight,
    per_host: d.perHostCap,
    engine: d.engine,
    threads: d.threads ?? null,
    grab_concurrency: o.grabConcurrency,
    audit_log: '',
    out: null,
    json: false,
    db: null,
    audit: null,
  }
}

/**
 * Runs a planned scan in stages: the target walk (target-walk.ts) feeds discovery; each open port
 * goes through the record pipeline (record-pipeline.ts: grab, enrichers with host fusion, sinks);
 * the resume saver (resume-saver.ts) keeps the state file. Every target ends in the completion
 * tracker exactly once, and a record's only after it is written, so the state written on
 * interrupt resumes without repeats or gaps.
 */
export async function runScan(o: ScanRunOptions): Promise<ScanSummary> {
  const { plan } = o
  // the enrichers this scan runs on every record, in order; each may load its data first
  const enrichers = o.enrichers
  for (const e of enrichers) await e.prepare?.()
  const started = performance.now()
  const tracker = new CompletionTracker(plan.startPosition)
  const walk = targetWalk(plan, tracker)

  const pipeline = new RecordPipeline({
    scanId: plan.scanId,
    grab: o.grab,
    grabConcurrency: o.grabConcurrency,
    grabLimits: o.grabLimits,
    credentialAudit: o.credentialAudit === true,
    enrichers,
    hostFusion: o.hostFusion,
    sinks: o.sinks,
    tracker,
    pauseDiscovery: () => discovery.pause(),
    resumeDiscovery: () => discovery.resume(),
    onFailure: () => stop(),
  })
  const discovery = new Discovery(o.discovery, walk.source, (ticket, ip, port, state) => {
    if (state === 'open' || state === 'closed') o.onAnswer?.(ip)
    if (state === 'open' || state === 'udp') {
      pipeline.offer({ ticket, ip, port, transport: state === 'udp' ? 'udp' : 'tcp' })
    } else {
      tracker.finish(ticket)
    }
  })
  const saver = o.stateFile
    ? new ResumeSaver(
        plan,
        tracker,
        o.stateFile,
        o.settings ?? runSettings(o),
        () => pipeline.unfinished,
        o.stateEveryMs,
      )
    : undefined

  const progressOf = (): ScanProgress => {
    const elapsedMs = performance.now() - started
    const [a, b] = plan.bounds
    const s = discovery.stats
    return {
      fraction: b > a ? (walk.position() - a) / (b - a) : 1,
      probed: s.probed,
      open: s.open,
      records: pipeline.records,
      elapsedMs,
      rate: elapsedMs > 0 ? (s.probed * 1000) / elapsedMs : 0,
    }
  }
  const progressTimer = o.onProgress
    ? setInterval(() => o.onProgress?.(progressOf()), o.progressEveryMs ?? 250)
    : undefined

  function stop() {
    if (pipeline.stopping) return
    pipeline.stop()
    discovery.stop()
  }
  const onAbort = () => stop()
  o.signal?.addEventListener('abort', onAbort, { once: true })
  if (o.signal?.aborted) stop()

  let stats: DiscoveryStats
  try {
    stats = await discovery.run()
    pipeline.discoveryFinished()
    await pipeline.done
  } finally {
    pipeline.close()
    o.signal?.removeEventListener('abort', onAbort)
    saver?.stop()
    if (progressTimer) clearInterval(progressTimer)
  }
  const { failure, stopping } = pipeline
  const interrupted = stopping && !failure
  // stopped early (Ctrl-C or a failure): keep the place; finished: nothing is left to resume
  await saver?.finish(stopping)
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
    records: pipeline.records,
    enrich_errors: pipeline.enrichErrors,
    duration_ms: Math.round(duration),
    rate: Math.round(duration > 0 ? (stats.probed * 1000) / duration : 0),
    interrupted,
    ...(o.stateFile && interrupted ? { state_file: o.stateFile } : {}),
  }
}

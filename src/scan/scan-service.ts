import { checkAuditScope, type ScanAuditRequest, withAuditStage } from '../audit/scan-audit.js'
import type { ConnectionLimits } from '../core/connection.js'
import type { FinishedScan, RecordSink } from '../core/sink.js'
import type { DiscoveryOptions } from '../discovery/discovery.js'
import { grabService } from '../grab/grab-service.js'
import { appendAuditEntry, currentUser, scannedSummary } from '../scope/audit-log.js'
import { readResumeState, type ScanSettings } from '../targets/resume-state.js'
import { createScanEnrichers } from './enrichers.js'
import { DEFAULT_HOST_FUSION } from './host-fusion-stage.js'
import { buildScanPlan, type ScanPlan, type ScanRequest } from './scan-plan.js'
import { type GrabFunction, runScan, type ScanProgress, type ScanSummary } from './scan-runner.js'

export interface ScanServiceOptions {
  discovery: DiscoveryOptions
  grabConcurrency: number
  grabLimits?: Partial<ConnectionLimits>
  auditLog: string
  /** Built after the plan is checked, so a refused scan creates no output file. */
  sinks: () => Promise<RecordSink[]>
  stateFile?: (plan: ScanPlan) => string
  /** Every option that shapes traffic and output, kept in the state file so `--resume` runs the same scan. */
  settings?: ScanSettings
  resumeFrom?: string
  signal?: AbortSignal
  onPlan?: (plan: ScanPlan) => void
  onProgress?: (p: ScanProgress) => void
  /** The grab stage (tests may pass their own to observe it); default: grabService. */
  grab?: GrabFunction
  /** `--audit-credentials`: the credential audit stage, if the scope allows it. */
  audit?: ScanAuditRequest
}

/** The `mamori scan` service: plan and scope check, audit-log entry, then the pipeline. */
export async function scan(request: ScanRequest, o: ScanServiceOptions): Promise<ScanSummary> {
  const resume = o.resumeFrom ? await readResumeState(o.resumeFrom) : undefined
  const plan = await buildScanPlan(request, resume)
  o.onPlan?.(plan)
  if (o.audit) checkAuditScope(plan.scope, plan.addresses)
  await appendAuditEntry(o.auditLog, {
    time: new Date().toISOString(),
    user: currentUser(),
    scan_id: plan.scanId,
    scope: plan.scope.name,
    scope_file_hash: plan.scope.hash ?? null,
    targets: plan.request.targets,
    scanned: scannedSummary(plan.addresses, plan.targets),
    ports: plan.request.ports,
    options: {
      exclude: plan.request.exclude,
      seed: plan.request.seed,
      shard: plan.request.shard,
      resumed: resume !== undefined,
      rate: o.discovery.rate,
      timeout_ms: o.discovery.timeoutMs,
      retries: o.discovery.retries,
      per_host: o.discovery.perHostCap,
      engine: o.discovery.engine,
      grab_concurrency: o.grabConcurrency,
      audit_credentials: o.audit !== undefined,
    },
  })
  const sinks = await o.sinks()
  // built for this scan alone: per-scan state (shared certificates) never carries over to the next
  const enrichers = createScanEnrichers()
  const stages = o.audit ? withAuditStage(enrichers, plan.scope, o.audit, o.signal) : enrichers
  const answered = new Set<number>()
  try {
    const summary = await runScan({
      plan,
      discovery: o.discovery,
      grab: o.grab ?? grabService,
      grabConcurrency: o.grabConcurrency,
      grabLimits: o.grabLimits,
      credentialAudit: o.audit !== undefined,
      enrichers: stages,
      // after fingerprinting, before the audit: a service's vendor may come from another of its host
      hostFusion: DEFAULT_HOST_FUSION,
      sinks,
      signal: o.signal,
      stateFile: o.stateFile?.(plan),
      ...(o.settings ? { settings: o.settings } : {}),
      onProgress: o.onProgress,
      onAnswer: (ip) => answered.add(ip),
    })
    const finished: FinishedScan = {
      scanId: plan.scanId,
      coverage: {
        ranges: plan.addresses.ranges.map(([lo, hi]) => [lo, hi]),
        tcp: [...plan.ports.tcp],
        udp: [...plan.ports.udp],
        stages: stages.filter((e) => e.ran?.() ?? true).map((e) => e.name),
        complete: !summary.interrupted && plan.shard.count === 1,
      },
      answered,
    }
    for (const s of sinks) await s.afterScan?.(finished)
    return summary
  } finally {
    for (const s of sinks) await s.close()
    for (const e of enrichers) await e.close?.()
  }
}

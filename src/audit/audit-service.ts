import { setTimeout as sleep } from 'node:timers/promises'
import { type ConnectionLimits, DEFAULT_LIMITS } from '../core/connection.js'
import type { Credential } from '../core/credential.js'
import type { LoginOutcome, LoginVerifier } from '../core/login-verifier.js'
import type { ProtocolModule } from '../core/protocol-module.js'
import type { AuditResult, ScanRecord } from '../core/record.js'
import type { ScanStatus } from '../core/scan-status.js'
import type { TranscriptLine } from '../core/transcript.js'
import { builtinModules } from '../modules/index.js'
import type { AttemptBudget } from './attempt-budget.js'
import { type AttemptEvent, AuditRun } from './audit-run.js'
import { confirmHit } from './confirm-hit.js'
import { DEFAULT_DEVICE_BUDGET, planCredentials } from './credential-plan.js'
import type { Dictionaries } from './dictionaries.js'
import { HostGate } from './host-gate.js'

/** The pause between two attempts on one device (NOTICE-like politeness; `--audit-pause`). */
const DEFAULT_PAUSE_MS = 100
/** Consecutive network failures after which a device is left alone. */
const MAX_ERRORS = 2
/** Consecutive pairs without an explicit answer after which trying more only costs time. */
const MAX_UNDECIDED = 5
/** A dictionary pair that met a dropped connection or a busy device is asked once more, after this. */
const PAIR_RETRY_WAITS_MS: readonly number[] = [1000]
/** A control is asked up to three more times: a busy slot or a rate limit lasts a few seconds. */
const CONTROL_RETRY_WAITS_MS: readonly number[] = [1000, 3000, 6000]

export interface AuditOptions {
  dictionaries: Dictionaries
  /** Credentials per service at most (default 100, at most 600). */
  deviceBudget?: number
  /** Pause between attempts on one device. */
  pauseMs?: number
  /** Shared by every service of a scan; unlimited when absent. */
  budget?: AttemptBudget
  /** One connection per device at a time; share one gate across a scan. */
  gate?: HostGate
  limits?: Partial<ConnectionLimits>
  /** The protocol modules whose `login` the audit tries (default: the built-in list). */
  modules?: readonly ProtocolModule<unknown>[]
  /** Put the working password in the evidence (`--reveal`). */
  reveal?: boolean
  /** The scan's interruption (Ctrl-C): no new attempt starts once it fires. */
  signal?: AbortSignal | undefined
  /** Progress: one call per attempt; never carries the password. */
  onAttempt?: (event: AttemptEvent) => void
  /** Waits before asking a dropped or busy device again (tests shorten them). */
  retryWaitsMs?: { pair: readonly number[]; control: readonly number[] }
}

/** What a control attempt left as evidence: its shape and answer, never its value. */
export interface ControlEvidence {
  shape: string
  verdict: LoginOutcome['verdict']
  reason: string
  refusal?: string
}

/** What a success leaves as evidence (NOTICE keeps time, addresses and the exchange; DOMAIN.md §2.2). */
export interface AuditEvidence {
  timestamp: string
  protocol: string
  source?: { ip: string; port: number }
  destination: { ip: string; port: number }
  reason: string
  /** The text the device sent that decided it. */
  cited?: string
  transcript: TranscriptLine[]
  /** The wrong credentials that were refused (or not) the way real wrong passwords were. */
  controls?: ControlEvidence[]
  /** How this device refused the dictionary's wrong pairs before the hit. */
  refusals?: string[]
  /** For `accepts-any-credentials`: the dictionary entry that seemed to work. */
  hit?: { entry: string; username: string }
  /** Only with `--reveal`. */
  password?: string
}

/**
 * Audits one grabbed service: tries the planned credentials one at a time through the protocol's
 * verifier, paced, under the device gate and the scan's budget, stopping at the first success
 * (confirmed by wrong-credential controls, confirm-hit.ts), at a lockout or after repeated
 * failures to get an answer. `no-default-credentials` is claimed only when every pair tried was
 * explicitly refused.
 */
export async function auditService(record: ScanRecord, options: AuditOptions): Promise<AuditResult> {
  const modules = options.modules ?? builtinModules
  const verifier = modules.find((m) => m.name === record.protocol)?.login as
    | LoginVerifier<unknown>
    | undefined
  if (!verifier)
    return { result: 'not-applicable', tried: 0, evidence: { reason: `no verifier for ${record.protocol}` } }
  const open = verifier.openAccess?.(record)
  // proved by the grab itself (anonymous FTP/MQTT, an open RTSP stream): its exposure rule reports it
  if (open) return { result: 'no-authentication', tried: 0, evidence: { reason: open, seen_by: 'grab' } }
  const applies = verifier.applies(record)
  if (!applies.ok) return { result: 'not-applicable', tried: 0, evidence: { reason: applies.reason } }

  const plan = planCredentials(options.dictionaries, {
    protocol: record.protocol,
    vendor: record.fingerprint?.vendor,
    product: record.fingerprint?.product,
    budget: options.deviceBudget ?? DEFAULT_DEVICE_BUDGET,
  })
  const gate = options.gate ?? new HostGate()
  return gate.run(record.ip, () => runPlan(record, verifier, plan, options))
}

async function runPlan(
  record: ScanRecord,
  verifier: LoginVerifier<unknown>,
  plan: Credential[],
  options: AuditOptions,
): Promise<AuditResult> {
  const run = new AuditRun(record, verifier, {
    limits: { ...DEFAULT_LIMITS, ...options.limits },
    budget: options.budget,
    signal: options.signal,
    onAttempt: options.onAttempt,
  })
  const pauseMs = options.pauseMs ?? DEFAULT_PAUSE_MS
  const waits = options.retryWaitsMs ?? { pair: PAIR_RETRY_WAITS_MS, control: CONTROL_RETRY_WAITS_MS }
  let errors = 0
  let undecided = 0
  let lastStatus: ScanStatus | undefined
  const unanswered: { entry: string; verdict: string; reason: string }[] = []

  if (verifier.prepare) {
    const prepared = await run
      .withContext((ctx) => verifier.prepare?.(ctx) as ReturnType<NonNullable<typeof verifier.prepare>>)
      .catch((err: Error) => ({ notApplicable: `could not look for a login: ${err.message}` }))
    if ('notApplicable' in prepared)
      return run.result({ result: 'not-applicable', evidence: { reason: prepared.notApplicable } })
    if ('open' in prepared) return run.result({ result: 'no-authentication', evidence: prepared.open })
    run.hint = prepared.hint
  }

  for (const credential of plan) {
    if (run.tried > 0 && pauseMs > 0) await sleep(pauseMs)
    const attempted = await run.attempt(credential, waits.pair)
    if ('stopped' in attempted) return attempted.stopped
    const { outcome, started } = attempted
    // an open shell asked for nothing: no entry was tried
    if (outcome.verdict === 'open') {
      return run.result({
        result: 'no-authentication',
        evidence: { reason: outcome.reason, cited: outcome.cited, transcript: outcome.transcript },
      })
    }
    run.tried++
    switch (outcome.verdict) {
      case 'failure':
        run.refusals.add(outcome.refusal ?? 'unspecified')
        errors = 0
        undecided = 0
        continue
      case 'success':
        return confirmHit(run, credential, outcome, started, {
          pauseMs,
          waits: waits.control,
          known: new Set(plan.map((c) => c.password)),
          reveal: options.reveal === true,
        })
      case 'lockout':
        return run.result({ result: 'lockout', evidence: { reason: outcome.reason, entry: credential.id } })
      case 'not-applicable':
        return run.result({ result: 'not-applicable', evidence: { reason: outcome.reason } })
      case 'error':
        lastStatus = outcome.status ?? 'io-error'
        if (++errors >= MAX_ERRORS)
          return run.result({ result: 'unknown', status: lastStatus, evidence: { reason: outcome.reason } })
        break
      default:
        errors = 0
    }
    unanswered.push({ entry: credential.id, verdict: outcome.verdict, reason: outcome.reason })
    if (++undecided >= MAX_UNDECIDED) {
      return run.result({
        result: 'unknown',
        ...(errors > 0 && lastStatus ? { status: lastStatus } : {}),
        evidence: { reason: `${undecided} pairs in a row without an explicit refusal: ${outcome.reason}` },
      })
    }
  }
  if (errors > 0) return run.result({ result: 'unknown', status: lastStatus ?? 'io-error' })
  const first = unanswered[0]
  if (first) {
    return run.result({
      result: 'unknown',
      evidence: {
        reason: `${unanswered.length} of ${run.tried} pairs got no explicit refusal (${first.entry}: ${first.verdict}, ${first.reason})`,
      },
    })
  }
  return run.result({ result: 'no-default-credentials', evidence: { refusals: [...run.refusals] } })
}

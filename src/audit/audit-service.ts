import { randomBytes } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import { Connection, type ConnectionLimits, DEFAULT_LIMITS } from '../core/connection.js'
import type { AuditResult, ScanRecord } from '../core/record.js'
import type { ScanStatus } from '../core/scan-status.js'
import type { AttemptBudget } from './attempt-budget.js'
import type { Credential } from './credential.js'
import { DEFAULT_DEVICE_BUDGET, planCredentials } from './credential-plan.js'
import type { Dictionaries } from './dictionaries.js'
import { HostGate } from './host-gate.js'
import type { LoginContext, LoginOutcome, LoginVerifier } from './login-verifier.js'
import { builtinVerifiers } from './login-verifiers.js'
import type { TranscriptLine } from './transcript.js'

/** The pause between two attempts on one device (NOTICE-like politeness; `--audit-pause`). */
export const DEFAULT_PAUSE_MS = 100
/** Consecutive network failures after which a device is left alone. */
const MAX_ERRORS = 2
/** Consecutive undecided answers (ambiguous, or errors among them) after which trying more only costs time. */
const MAX_UNKNOWN = 5

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
  verifiers?: readonly LoginVerifier<never>[]
  /** Put the working password in the evidence (`--reveal`). */
  reveal?: boolean
  /** The scan's interruption (Ctrl-C): no new attempt starts once it fires. */
  signal?: AbortSignal | undefined
  /** Progress: one call per attempt; never carries the password. */
  onAttempt?: (event: AttemptEvent) => void
}

export interface AttemptEvent {
  ip: string
  port: number
  protocol: string
  entry: string
  username: string
  verdict: LoginOutcome['verdict']
  reason: string
}

/** What a success leaves as evidence (NOTICE keeps time, addresses and the exchange; DOMAIN.md §2.2). */
export interface AuditEvidence {
  timestamp: string
  protocol: string
  source?: { ip: string; port: number }
  destination: { ip: string; port: number }
  reason: string
  transcript: TranscriptLine[]
  /** The wrong-password control attempt that confirmed the success. */
  control?: { verdict: LoginOutcome['verdict']; reason: string }
  /** Only with `--reveal`. */
  password?: string
}

/**
 * Audits one grabbed service: tries the planned credentials one at a time through the protocol's
 * verifier, paced, under the device gate and the scan's budget, stopping at the first success
 * (confirmed by a wrong-password control attempt), at a lockout or after repeated network failures.
 */
export async function auditService(record: ScanRecord, options: AuditOptions): Promise<AuditResult> {
  const verifier = (options.verifiers ?? builtinVerifiers).find((v) => v.protocol === record.protocol) as
    | LoginVerifier<unknown>
    | undefined
  if (!verifier)
    return { result: 'not-applicable', tried: 0, evidence: { reason: `no verifier for ${record.protocol}` } }
  const open = verifier.openAccess?.(record)
  if (open) return { result: 'no-authentication', tried: 0, evidence: { reason: open } }
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
  const limits = { ...DEFAULT_LIMITS, ...options.limits }
  const target = { ip: record.ip, port: record.port, transport: record.transport }
  const pauseMs = options.pauseMs ?? DEFAULT_PAUSE_MS
  let tried = 0
  let errors = 0
  let unknowns = 0
  let lastStatus: ScanStatus | undefined
  let ambiguous: { entry: string; reason: string } | undefined

  let hint: unknown = record.data[record.protocol]
  const withContext = async <T>(work: (ctx: LoginContext<unknown>) => Promise<T>): Promise<T> => {
    const opened: Connection[] = []
    const ctx: LoginContext<unknown> = {
      target,
      hint,
      fingerprint: record.fingerprint,
      limits,
      open: async () => {
        const conn = await Connection.open(target, limits)
        opened.push(conn)
        return conn
      },
    }
    try {
      return await work(ctx)
    } finally {
      for (const c of opened) c.close()
    }
  }
  const attempt = (credential: Credential) => withContext((ctx) => verifier.login(ctx, credential))

  if (verifier.prepare) {
    const prepared = await withContext(
      (ctx) => verifier.prepare?.(ctx) as ReturnType<NonNullable<typeof verifier.prepare>>,
    ).catch((err: Error) => ({ notApplicable: `could not look for a login: ${err.message}` }))
    if ('notApplicable' in prepared)
      return { result: 'not-applicable', tried: 0, evidence: { reason: prepared.notApplicable } }
    hint = prepared.hint
  }

  for (const credential of plan) {
    if (options.signal?.aborted)
      return { result: 'unknown', tried, evidence: { reason: 'the scan was interrupted' } }
    if (options.budget && !options.budget.take()) {
      return { result: 'unknown', tried, evidence: { reason: 'the scan attempt budget is spent' } }
    }
    if (tried > 0 && pauseMs > 0) await sleep(pauseMs)
    const started = new Date()
    const outcome = await attempt(credential)
    tried++
    options.onAttempt?.({
      ip: record.ip,
      port: record.port,
      protocol: record.protocol,
      entry: credential.id,
      username: credential.username,
      verdict: outcome.verdict,
      reason: outcome.reason,
    })
    switch (outcome.verdict) {
      case 'failure':
        errors = 0
        unknowns = 0
        continue
      case 'unknown':
        errors = 0
        ambiguous ??= { entry: credential.id, reason: outcome.reason }
        if (++unknowns >= MAX_UNKNOWN) {
          return {
            result: 'unknown',
            tried,
            evidence: { reason: `${unknowns} ambiguous answers in a row: ${outcome.reason}` },
          }
        }
        continue
      case 'error':
        lastStatus = outcome.status ?? 'io-error'
        if (++errors >= MAX_ERRORS) {
          return { result: 'unknown', tried, status: lastStatus, evidence: { reason: outcome.reason } }
        }
        // an error between ambiguous answers does not restart their count
        if (unknowns > 0 && ++unknowns >= MAX_UNKNOWN) {
          return {
            result: 'unknown',
            tried,
            status: lastStatus,
            evidence: { reason: `${unknowns} undecided answers in a row` },
          }
        }
        continue
      case 'lockout':
        return { result: 'lockout', tried, evidence: { reason: outcome.reason, entry: credential.id } }
      case 'open':
        return { result: 'no-authentication', tried, evidence: { reason: outcome.reason } }
      case 'not-applicable':
        return { result: 'not-applicable', tried, evidence: { reason: outcome.reason } }
      case 'success': {
        const evidence = successEvidence(record, started, outcome)
        // a device (or honeypot) that lets any password in proves nothing about this one
        if (pauseMs > 0) await sleep(pauseMs)
        const control = await attempt({
          ...credential,
          id: `${credential.id}-control`,
          password: `mamori-${randomBytes(6).toString('hex')}`,
        })
        evidence.control = { verdict: control.verdict, reason: control.reason }
        if (control.verdict !== 'failure') {
          return {
            result: 'unknown',
            tried,
            username: credential.username,
            entry: credential.id,
            evidence: {
              ...evidence,
              reason: `${outcome.reason}; but a wrong password was not refused (${control.verdict})`,
            },
          }
        }
        if (options.reveal) evidence.password = credential.password
        return {
          result: 'default-credentials',
          tried,
          username: credential.username,
          entry: credential.id,
          evidence,
        }
      }
    }
  }
  if (errors > 0) return { result: 'unknown', tried, status: lastStatus ?? 'io-error' }
  if (ambiguous) {
    return {
      result: 'unknown',
      tried,
      evidence: { reason: `ambiguous answer to ${ambiguous.entry}: ${ambiguous.reason}` },
    }
  }
  return { result: 'no-default-credentials', tried }
}

function successEvidence(record: ScanRecord, started: Date, outcome: LoginOutcome): AuditEvidence {
  return {
    timestamp: started.toISOString(),
    protocol: record.protocol,
    ...(outcome.source ? { source: outcome.source } : {}),
    destination: { ip: record.ip, port: record.port },
    reason: outcome.reason,
    transcript: outcome.transcript,
  }
}

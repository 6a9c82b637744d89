import { setTimeout as sleep } from 'node:timers/promises'
import type { Credential } from '../core/credential.js'
import type { LoginOutcome } from '../core/login-verifier.js'
import type { AuditResult } from '../core/record.js'
import type { AuditRun } from './audit-run.js'
import type { AuditEvidence, ControlEvidence } from './audit-service.js'
import { controlCredentials } from './control-credentials.js'

export interface ConfirmOptions {
  pauseMs: number
  /** Waits before asking again a control that met a dropped connection or a busy device. */
  waits: readonly number[]
  /** The dictionary's passwords: never used as controls. */
  known: ReadonlySet<string>
  reveal: boolean
}

/**
 * Decides what a login that seemed to work proves. Wrong credentials of several shapes are sent
 * the same way; the hit counts only when every one of them got an explicit refusal of the kind the
 * device gave real wrong passwords (or, when none came before the hit, one kind among themselves).
 * - a control let in → `accepts-any-credentials` (a honeypot or a broken login; never a notice);
 * - a control dropped, busy, silent or refused differently, even after waiting → `unknown`;
 * - otherwise `default-credentials`, or `no-authentication` for an account without a password.
 */
export async function confirmHit(
  run: AuditRun,
  credential: Credential,
  hit: LoginOutcome,
  started: Date,
  options: ConfirmOptions,
): Promise<AuditResult> {
  const { record } = run
  const withoutPassword = hit.withoutPassword === true
  const evidence: AuditEvidence = {
    timestamp: started.toISOString(),
    protocol: record.protocol,
    ...(hit.source ? { source: hit.source } : {}),
    destination: { ip: record.ip, port: record.port },
    reason: hit.reason,
    ...(hit.cited ? { cited: hit.cited } : {}),
    transcript: hit.transcript,
    controls: [],
    ...(run.refusals.size > 0 ? { refusals: [...run.refusals] } : {}),
  }
  const controls = evidence.controls as ControlEvidence[]
  const unconfirmed = (why: string): AuditResult =>
    run.result({
      result: 'unknown',
      username: credential.username,
      entry: credential.id,
      evidence: { ...evidence, reason: `${hit.reason}; not confirmed: ${why}` },
    })
  const kinds = new Set<string>()
  for (const control of controlCredentials(credential, withoutPassword, options.known)) {
    if (options.pauseMs > 0) await sleep(options.pauseMs)
    const attempted = await run.attempt(control, options.waits)
    if ('stopped' in attempted)
      return unconfirmed(String((attempted.stopped.evidence as { reason: string }).reason))
    const { outcome } = attempted
    controls.push({
      shape: control.shape,
      verdict: outcome.verdict,
      reason: outcome.reason,
      ...(outcome.refusal ? { refusal: outcome.refusal } : {}),
    })
    if (outcome.verdict === 'success' || outcome.verdict === 'open') {
      return run.result({
        result: 'accepts-any-credentials',
        evidence: {
          ...evidence,
          hit: { entry: credential.id, username: credential.username },
          reason: `a ${control.shape} that no dictionary holds was let in too (${outcome.reason}): probably a honeypot or a broken login`,
        },
      })
    }
    if (outcome.verdict !== 'failure')
      return unconfirmed(`a ${control.shape} got no explicit refusal (${outcome.verdict}: ${outcome.reason})`)
    const kind = outcome.refusal ?? 'unspecified'
    if (run.refusals.size > 0 && !run.refusals.has(kind))
      return unconfirmed(`a ${control.shape} was refused unlike the real wrong passwords (${kind})`)
    kinds.add(kind)
  }
  if (kinds.size > 1) return unconfirmed(`the controls were refused in ${kinds.size} different ways`)
  if (withoutPassword) {
    return run.result({
      result: 'no-authentication',
      username: credential.username,
      evidence: {
        ...evidence,
        reason: `the user ${JSON.stringify(credential.username)} has no password: ${hit.reason}`,
      },
    })
  }
  if (options.reveal) evidence.password = credential.password
  return run.result({
    result: 'default-credentials',
    username: credential.username,
    entry: credential.id,
    evidence,
  })
}

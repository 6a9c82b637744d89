import type { AuditResult } from '../core/record.js'

/** What a scan saw of the service of a finding that it did not find again. */
export interface AbsenceEvidence {
  /** The finding's type (which stage produces it decides what its absence proves). */
  type: string
  /** The scan covered the service's address and port. */
  covered: boolean
  /** The scan ran to its end (an interrupted one proves nothing about what it did not reach). */
  complete: boolean
  /** Some port of the host answered the scan (open, or refused with RST). */
  hostAnswered: boolean
  /** The service itself was grabbed in the scan: its status and audit. */
  observed?: { status: string; audit?: Pick<AuditResult, 'result'> | undefined }
  /** Names of the stages the scan ran (fingerprint, audit, vuln, assess). */
  stages: readonly string[]
}

/** Which stage's absence a finding type needs to be believed. */
function producer(type: string): string {
  if (type === 'default-credentials' || type === 'no-authentication') return 'audit'
  if (type === 'known-vulnerability') return 'vuln'
  return 'assess'
}

/** An audit that ran to its end: every pair refused, or nothing left to log in to. */
const AUDIT_DONE = new Set(['no-default-credentials', 'not-applicable'])

/**
 * Greenbone's rule, stricter: a finding absent from a later scan is fixed only when that scan
 * covered the service, ran to its end and reached the host (the port answered, refused, or another
 * port answered); a service still there must have been judged by the stage that makes the finding
 * (for credentials, an audit that ran to its end). Anything else leaves the finding where it is,
 * with the reason.
 */
export function verifyAbsence(
  e: AbsenceEvidence,
): { fixed: true; reason: string } | { fixed: false; reason: string } {
  if (!e.covered) return { fixed: false, reason: 'not covered by this scan' }
  if (!e.complete) return { fixed: false, reason: 'unverified: the scan did not run to its end' }
  if (!e.observed) {
    return e.hostAnswered
      ? { fixed: true, reason: 'the service no longer answers; its host does' }
      : { fixed: false, reason: 'unverified: the host did not answer' }
  }
  if (e.observed.status !== 'success')
    return {
      fixed: false,
      reason: `unverified: the service answered but its grab ended in ${e.observed.status}`,
    }
  const stage = producer(e.type)
  if (!e.stages.includes(stage)) return { fixed: false, reason: `unverified: the ${stage} stage did not run` }
  if (stage === 'audit') {
    const result = e.observed.audit?.result
    if (!result) return { fixed: false, reason: 'unverified: the service was not audited' }
    if (!AUDIT_DONE.has(result))
      return { fixed: false, reason: `unverified: the audit did not run to its end (${result})` }
  }
  return { fixed: true, reason: `the ${stage} stage no longer finds it` }
}

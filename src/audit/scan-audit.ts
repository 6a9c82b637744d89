import { MamoriError } from '../core/errors.js'
import { formatIPv4, parseIPv4 } from '../core/ipv4.js'
import type { Enricher } from '../core/sink.js'
import type { IPv4RangeSet } from '../scope/range-set.js'
import { LOOPBACK, type Scope } from '../scope/scope.js'
import { AttemptBudget } from './attempt-budget.js'
import { createAuditEnricher } from './audit-enricher.js'
import { MAX_DEVICE_BUDGET } from './credential-plan.js'
import { loadDictionaries } from './dictionaries.js'

/** What `mamori scan --audit-credentials ...` asks of the audit stage. */
export interface ScanAuditRequest {
  /** Credentials per service (default 100, at most 600). */
  deviceBudget?: number
  /** Login attempts in the whole scan (default unlimited). */
  maxAttempts?: number
  /** Pause between attempts on one device, ms. */
  pauseMs?: number
  /** Keep the working password in the record (`--reveal`). */
  reveal?: boolean
}

/**
 * Refuses an audit the scope does not allow, before any packet: loopback always may be audited,
 * other addresses only under a scope entry with `credential_audit: true`.
 */
export function checkAuditScope(scope: Scope, addresses: IPv4RangeSet): void {
  if (scope.credentialAudit) return
  const outside = addresses.subtract(LOOPBACK).first()
  if (outside !== undefined) {
    throw new MamoriError(
      'ERR_AUDIT_REFUSED',
      `--audit-credentials refused: scope ${scope.name} does not allow the credential audit (credential_audit: true) and the targets include ${formatIPv4(outside)}`,
    )
  }
}

/**
 * The scan's enricher list with the `audit` stage placed right after fingerprinting (vendor
 * defaults need the vendor), or first when there is no fingerprint stage.
 */
export function withAuditStage(
  enrichers: readonly Enricher[],
  scope: Scope,
  request: ScanAuditRequest,
  signal?: AbortSignal,
): Enricher[] {
  if (
    request.deviceBudget !== undefined &&
    (request.deviceBudget < 1 || request.deviceBudget > MAX_DEVICE_BUDGET)
  ) {
    throw new MamoriError('ERR_USAGE', `the per-device credential budget must be 1..${MAX_DEVICE_BUDGET}`)
  }
  const audit = createAuditEnricher({
    dictionaries: loadDictionaries(),
    ...(request.deviceBudget !== undefined ? { deviceBudget: request.deviceBudget } : {}),
    ...(request.pauseMs !== undefined ? { pauseMs: request.pauseMs } : {}),
    ...(request.maxAttempts !== undefined ? { budget: new AttemptBudget(request.maxAttempts) } : {}),
    reveal: request.reveal === true,
    signal,
    allowed: (ip) => {
      const n = parseIPv4(ip)
      return n !== undefined && (LOOPBACK.contains(n) || scope.credentialAudit)
    },
  })
  const at = enrichers.findIndex((e) => e.name === 'fingerprint')
  return [...enrichers.slice(0, at + 1), audit, ...enrichers.slice(at + 1)]
}

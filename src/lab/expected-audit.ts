import type { AuditResult } from '../core/record.js'

type AuditOutcome = AuditResult['result']

import type { LabService } from './truth.js'

/** What a correct credential audit says of one lab service, from the ground truth alone. */
export interface ExpectedAudit {
  /** The verdicts that are right; `default-credentials` and `no-authentication` only where the truth has them. */
  results: readonly AuditOutcome[]
  /** For a login that must be found: who logs in, and with which password. */
  username?: string
  password?: string
}

/** Where the lab's `auth: none` is a login left open: a shell at connect, an anonymous broker, a stream. */
const OPEN_WHEN_NONE: ReadonlySet<string> = new Set(['telnet', 'mqtt', 'rtsp'])

/** Verdicts that claim nothing: right for any service without a way in. */
const NO_CLAIM: readonly AuditOutcome[] = [
  'no-default-credentials',
  'not-applicable',
  'unknown',
  'lockout',
  'accepts-any-credentials',
]

/**
 * The audit verdict the truth calls for: open access (a shell at connect, anonymous MQTT/FTP, RTSP
 * without auth) or an account without a password is
 * `no-authentication`, a kept default is `default-credentials` with its user and password, a changed
 * one `no-default-credentials` (or `lockout` on a device that locks), a login that lets anything in
 * `accepts-any-credentials`, a line that drops every connection `unknown`; anything else must claim
 * no way in.
 */
export function expectedAudit(service: LabService, locks = false): ExpectedAudit {
  if (service.accepts_any) return { results: ['accepts-any-credentials'] }
  if (service.drops) return { results: ['unknown'] }
  if (service.auth === 'none' && OPEN_WHEN_NONE.has(service.protocol))
    return { results: ['no-authentication'] }
  const credential = service.credential
  if (credential?.default && service.no_password_prompt)
    return { results: ['no-authentication'], username: credential.username }
  if (credential?.default) {
    return {
      results: ['default-credentials'],
      // a password-only login has no user name to report
      ...(service.auth === 'telnet-password' ? {} : { username: credential.username }),
      password: credential.password,
    }
  }
  if (credential)
    return { results: locks ? ['no-default-credentials', 'lockout'] : ['no-default-credentials'] }
  return { results: NO_CLAIM }
}

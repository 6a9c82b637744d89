import type { Connection, ConnectionLimits } from './connection.js'
import type { Credential } from './credential.js'
import type { Fingerprint, ScanRecord } from './record.js'
import type { ScanStatus } from './scan-status.js'
import type { Target } from './target.js'
import type { TranscriptLine } from './transcript.js'

/**
 * How one login attempt ended.
 * - `success`: positive evidence that the credential logged in (a shell prompt, 2xx, CONNACK 0 ...).
 * - `failure`: an explicit refusal (`Login incorrect`, a re-prompt, 401 with a challenge, SSH auth
 *   failure, CONNACK 4/5, FTP 530); `refusal` says which kind, so refusals can be compared.
 * - `dropped`: the connection ended before any explicit answer (not a refusal).
 * - `busy`: the device is busy or rate-limited (a taken session slot, HTTP 403/503, FTP 421 busy):
 *   worth asking again after a wait, never a refusal.
 * - `lockout`: the device says it stopped accepting attempts (back off, stop).
 * - `unknown`: the evidence is ambiguous; never counted as a success.
 * - `open`: access without any credential (no login asked, anonymous accepted).
 * - `not-applicable`: the service offers no login this verifier can try.
 * - `error`: the exchange failed (`status` says how).
 */
export type LoginVerdict =
  | 'success'
  | 'failure'
  | 'dropped'
  | 'busy'
  | 'lockout'
  | 'unknown'
  | 'open'
  | 'not-applicable'
  | 'error'

export interface LoginOutcome {
  verdict: LoginVerdict
  /** Set when `verdict` is `error`. */
  status?: ScanStatus
  /** Why, in a few words; never contains the password. */
  reason: string
  /** For `failure`: the kind of refusal (`text:login incorrect`, `reprompt:login`, `http:401 basic`). */
  refusal?: string
  /** The text that decided the verdict, as the device sent it (printable). */
  cited?: string
  /** A `success` that needed only the user name: the account has no password (nothing more was sent). */
  withoutPassword?: boolean
  /** Whether the device judged a credential in this attempt (what a device-side log counts). */
  credentialSent?: boolean
  /** The exchange with the password masked. */
  transcript: TranscriptLine[]
  /** Our end of the connection that decided the outcome (evidence). */
  source?: { ip: string; port: number }
}

/** Access without any credential that a verifier proved (a vendor API path answering without auth). */
interface OpenAccess {
  reason: string
  cited?: string
  transcript: TranscriptLine[]
}

/** What a verifier gets for one attempt: the target, the grab's result as a hint, framework connections. */
export interface LoginContext<H = unknown> {
  readonly target: Target
  /** The module's grab result for this service (`record.data[protocol]`): paths, realms, prompts. */
  readonly hint: H | undefined
  /** What fingerprinting identified (vendor-specific knowledge such as protected paths). */
  readonly fingerprint?: Fingerprint | undefined
  readonly limits: ConnectionLimits
  /** Opens a framework-owned connection to the target (closed by the framework after the attempt). */
  open(): Promise<Connection>
}

/**
 * Checks whether one credential logs in to one service, speaking only up to the login's answer:
 * after a success nothing is sent except the protocol's own logout or close. A protocol module
 * carries its own (`ProtocolModule.login`); the credential audit tries the one of the module that
 * grabbed the service.
 *
 * @example
 * const outcome = await telnetModule.login.login(ctx, { id: 'mirai-01', username: 'root', password: 'xc3511', source })
 * // { verdict: 'success', reason: 'shell prompt "# " after login', transcript: [...] }
 */
export interface LoginVerifier<H = unknown> {
  /** Whether the grabbed service asks for credentials this verifier can try; a reason when not. */
  applies(record: ScanRecord): { ok: true } | { ok: false; reason: string }
  /**
   * Runs once per service before the first attempt, to find where to log in when the grab did not
   * (HTTP: the vendor's API paths that ask for credentials). Returns the hint the attempts use, or
   * why there is nothing to log in to.
   */
  prepare?(ctx: LoginContext<H>): Promise<{ hint: H } | { notApplicable: string } | { open: OpenAccess }>
  /** Access without credentials, when the grab already proved it (anonymous FTP/MQTT, RTSP without auth). */
  openAccess?(record: ScanRecord): string | undefined
  login(ctx: LoginContext<H>, credential: Credential): Promise<LoginOutcome>
}

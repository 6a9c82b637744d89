import type { ScanStatus } from './scan-status.js'
import type { Transport } from './target.js'

/**
 * One observation of one service: the unit that flows through the pipeline, is written as a
 * JSON line and stored. Shaped like ZGrab2/Shodan banners (see DESIGN.md "Records").
 *
 * @example
 * { "ip": "127.16.0.5", "port": 23, "transport": "tcp", "protocol": "telnet",
 *   "timestamp": "2026-11-25T10:00:00.000Z", "scan_id": "s-...", "status": "success",
 *   "banner": "(none) login: ", "data": { "telnet": { ... } } }
 */
export interface ScanRecord {
  ip: string
  port: number
  transport: Transport
  /** The protocol the service was found to speak (module name), or 'unknown'. */
  protocol: string
  /** ISO 8601 time the grab finished. */
  timestamp: string
  scan_id: string
  status: ScanStatus
  /** Printable text that identifies the service: what Shodan calls the banner. */
  banner: string
  /** Why the grab did not succeed, when it did not. */
  error?: string
  /** data[protocol] holds the module's typed result. */
  data: Record<string, unknown>
  fingerprint?: Fingerprint
  audit?: AuditResult
  vulns?: VulnRef[]
  findings?: Finding[]
}

export interface Fingerprint {
  vendor?: string
  product?: string
  version?: string
  device_type?: string
  os?: string
  cpe: string[]
  /** Id of the rule that decided the result. */
  rule?: string
  /** 0..1 */
  confidence?: number
  /** Every candidate that any engine produced, for `fingerprint explain`. */
  candidates?: FingerprintCandidate[]
  /**
   * Fields this service's own banner did not name, taken from another service of the same host
   * that did (host fusion, src/fingerprint/host-fusion.ts): inference, not evidence.
   */
  inferred?: InferredFields
}

export interface InferredFields {
  fields: ('vendor' | 'device_type')[]
  /** The service that named them: `<transport>/<port>`, e.g. `tcp/80`. */
  from: string
}

export interface FingerprintCandidate {
  engine: string
  rule: string
  matchKey: string
  fields: Record<string, string>
  confidence: number
}

/** How a credential audit of one service ended (the record, the store schema and search share it). */
export const AUDIT_OUTCOMES = [
  'default-credentials',
  'no-authentication',
  'no-default-credentials',
  'lockout',
  'unknown',
  'not-applicable',
  'accepts-any-credentials',
] as const
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number]

export interface AuditResult {
  result: AuditOutcome
  /** How many dictionary entries were tried. */
  tried: number
  /** How many credentials the device judged, controls and retries included (what its own log counts). */
  attempts?: number
  username?: string
  /** Id of the dictionary entry that logged in. */
  entry?: string
  /** Set when the audit stopped on a network failure (result is then `unknown`). */
  status?: ScanStatus
  evidence?: unknown
}

export interface VulnRef {
  id: string
  cvss?: number
  kev: boolean
  status?: 'affected' | 'indeterminate'
}

export type Severity = 'critical' | 'high' | 'medium' | 'low' | 'info'

export interface Finding {
  type: string
  severity: Severity
  title?: string
  detail?: string
}

/** A text an identifying rule can match: `{ key: 'telnet.banner', value: '(none) login:' }`. */
export interface Observation {
  key: string
  value: string
}

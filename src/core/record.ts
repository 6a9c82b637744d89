import { z } from 'zod'
import { parseDottedIPv4 } from './ipv4.js'
import { SCAN_STATUSES } from './scan-status.js'
import { TRANSPORTS } from './target.js'

// The record's shape is written once, as the schema an imported (untrusted) record must pass; the
// types every stage uses are inferred from it, so the two cannot drift apart.

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

/** A finding's severity, most severe first. */
const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const

/** How sure a vulnerability match is (`mamori vuln match` prints the same). */
const VULN_STATUSES = ['affected', 'indeterminate'] as const

/** Largest banner accepted from a file; larger ones are refused with the line number, not cut silently. */
export const MAX_BANNER = 65_536

/** One candidate an engine produced, kept for `fingerprint explain`. */
export interface FingerprintCandidate {
  engine: string
  rule: string
  matchKey: string
  fields: Record<string, string>
  confidence: number
}

const text = (max: number) => z.string().max(max)
// ISO 8601 with a zone (Z or ±hh:mm): Date.parse alone would also take "1" (as 2001) or "Nov 1"
const isoTime = z.iso.datetime({ offset: true, error: 'not an ISO 8601 time with a zone' }).max(40)

const fingerprintSchema = z.object({
  vendor: text(256).optional(),
  product: text(256).optional(),
  version: text(256).optional(),
  device_type: text(256).optional(),
  os: text(256).optional(),
  cpe: z.array(text(512)).max(64),
  /** Id of the rule that decided the result. */
  rule: text(256).optional(),
  /** 0..1 */
  confidence: z.number().min(0).max(1).optional(),
  /** Every candidate that any engine produced, for `fingerprint explain` (not checked in detail). */
  candidates: z.array(z.custom<FingerprintCandidate>()).max(256).optional(),
  /**
   * Fields this service's own banner did not name, taken from another service of the same host
   * that did (host fusion, src/fingerprint/host-fusion.ts): inference, not evidence.
   */
  inferred: z
    .object({
      fields: z.array(z.enum(['vendor', 'device_type'])).max(2),
      /** The service that named them: `<transport>/<port>`, e.g. `tcp/80`. */
      from: text(64),
    })
    .optional(),
})

const auditSchema = z.object({
  result: z.enum(AUDIT_OUTCOMES),
  /** How many dictionary entries were tried. */
  tried: z.number().int().min(0),
  /** How many credentials the device judged, controls and retries included (what its own log counts). */
  attempts: z.number().int().min(0).optional(),
  /** Set when the audit stopped on a network failure (result is then `unknown`). */
  status: z.enum(SCAN_STATUSES).optional(),
  username: text(256).optional(),
  /** Id of the dictionary entry that logged in. */
  entry: text(256).optional(),
  evidence: z.unknown().optional(),
})

const vulnRefSchema = z.object({
  id: text(64).min(1),
  cvss: z.number().min(0).max(10).optional(),
  kev: z.boolean(),
  status: z.enum(VULN_STATUSES).optional(),
})

const findingSchema = z.object({
  type: text(128).min(1),
  /** What it is about when a service can have several of its type: the CVE of a known-vulnerability. */
  ref: text(64).optional(),
  severity: z.enum(SEVERITIES),
  title: text(1024).optional(),
  detail: text(8192).optional(),
})

/**
 * One observation of one service: the unit that flows through the pipeline, is written as a
 * JSON line and stored. Shaped like ZGrab2/Shodan banners (see DESIGN.md "Records"). As a schema,
 * what a record must look like to be stored (imported files are untrusted): unknown keys are kept
 * in the stored JSON only when they live under `data`.
 *
 * @example
 * { "ip": "127.16.0.5", "port": 23, "transport": "tcp", "protocol": "telnet",
 *   "timestamp": "2026-11-25T10:00:00.000Z", "scan_id": "s-...", "status": "success",
 *   "banner": "(none) login: ", "data": { "telnet": { ... } } }
 */
export const scanRecordSchema = z.object({
  ip: z.string().refine((s) => parseDottedIPv4(s) !== undefined, 'not an IPv4 address'),
  port: z.number().int().min(0).max(65535),
  transport: z.enum(TRANSPORTS),
  /** The protocol the service was found to speak (module name), or 'unknown'. */
  protocol: text(64).min(1),
  /** ISO 8601 time the grab finished. */
  timestamp: isoTime,
  scan_id: text(128).min(1),
  status: z.enum(SCAN_STATUSES),
  /** Printable text that identifies the service: what Shodan calls the banner. */
  banner: text(MAX_BANNER),
  /** Why the grab did not succeed, when it did not. */
  error: text(4096).optional(),
  /** data[protocol] holds the module's typed result. */
  data: z.record(z.string(), z.unknown()),
  fingerprint: fingerprintSchema.optional(),
  audit: auditSchema.optional(),
  vulns: z.array(vulnRefSchema).max(4096).optional(),
  findings: z.array(findingSchema).max(1024).optional(),
})

export type ScanRecord = z.infer<typeof scanRecordSchema>
export type Fingerprint = z.infer<typeof fingerprintSchema>
export type AuditResult = z.infer<typeof auditSchema>
export type VulnRef = z.infer<typeof vulnRefSchema>
export type VulnStatus = (typeof VULN_STATUSES)[number]
export type Severity = (typeof SEVERITIES)[number]
export type Finding = z.infer<typeof findingSchema>

/** A text an identifying rule can match: `{ key: 'telnet.banner', value: '(none) login:' }`. */
export interface Observation {
  key: string
  value: string
}

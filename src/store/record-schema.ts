import { z } from 'zod'
import { parseDottedIPv4 } from '../core/ipv4.js'
import { AUDIT_OUTCOMES } from '../core/record.js'
import { SCAN_STATUSES } from '../core/scan-status.js'

/** Largest banner accepted from a file; larger ones are refused with the line number, not cut silently. */
export const MAX_BANNER = 65_536

const text = (max: number) => z.string().max(max)
// ISO 8601 with a zone (Z or ±hh:mm): Date.parse alone would also take "1" (as 2001) or "Nov 1"
const isoTime = z.iso.datetime({ offset: true, error: 'not an ISO 8601 time with a zone' }).max(40)

/**
 * What a record must look like to be stored (imported files are untrusted). Unknown keys are kept
 * in the stored JSON only when they live under `data`.
 */
export const scanRecordSchema = z.object({
  ip: z.string().refine((s) => parseDottedIPv4(s) !== undefined, 'not an IPv4 address'),
  port: z.number().int().min(0).max(65535),
  transport: z.enum(['tcp', 'udp']),
  protocol: text(64).min(1),
  timestamp: isoTime,
  scan_id: text(128).min(1),
  status: z.enum(SCAN_STATUSES),
  banner: text(MAX_BANNER),
  error: text(4096).optional(),
  data: z.record(z.string(), z.unknown()),
  fingerprint: z
    .object({
      vendor: text(256).optional(),
      product: text(256).optional(),
      version: text(256).optional(),
      device_type: text(256).optional(),
      os: text(256).optional(),
      cpe: z.array(text(512)).max(64),
      rule: text(256).optional(),
      confidence: z.number().min(0).max(1).optional(),
      candidates: z.array(z.unknown()).max(256).optional(),
      inferred: z
        .object({ fields: z.array(z.enum(['vendor', 'device_type'])).max(2), from: text(64) })
        .optional(),
    })
    .optional(),
  audit: z
    .object({
      result: z.enum(AUDIT_OUTCOMES),
      tried: z.number().int().min(0),
      attempts: z.number().int().min(0).optional(),
      status: z.enum(SCAN_STATUSES).optional(),
      username: text(256).optional(),
      entry: text(256).optional(),
      evidence: z.unknown().optional(),
    })
    .optional(),
  vulns: z
    .array(
      z.object({
        id: text(64).min(1),
        cvss: z.number().min(0).max(10).optional(),
        kev: z.boolean(),
        status: z.enum(['affected', 'indeterminate']).optional(),
      }),
    )
    .max(4096)
    .optional(),
  findings: z
    .array(
      z.object({
        type: text(128).min(1),
        severity: z.enum(['critical', 'high', 'medium', 'low', 'info']),
        title: text(1024).optional(),
        detail: text(8192).optional(),
      }),
    )
    .max(1024)
    .optional(),
})

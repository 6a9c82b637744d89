import { hash } from 'node:crypto'
import type { ScanRecord } from '../core/record.js'
import { ipv4ToNumber } from '../query/ipv4.js'
import { textTokens } from '../query/tokens.js'

/** The columns a record fills, in one order shared by services and observations. */
export const ROW_COLUMNS = [
  ['ip', 'text'],
  ['ip_num', 'bigint'],
  ['port', 'int'],
  ['transport', 'text'],
  ['scan_id', 'text'],
  ['ts', 'text'],
  ['protocol', 'text'],
  ['status', 'text'],
  ['banner', 'text'],
  ['error', 'text'],
  ['data', 'text'],
  ['fingerprint', 'text'],
  ['audit', 'text'],
  ['vendor', 'text'],
  ['product', 'text'],
  ['version', 'text'],
  ['device_type', 'text'],
  ['os', 'text'],
  ['cpe', 'text'],
  ['audit_result', 'text'],
  ['http_title', 'text'],
  ['http_server', 'text'],
  ['http_status', 'int'],
  ['ssh_version', 'text'],
  ['telnet_prompt', 'text'],
  ['content_hash', 'text'],
] as const

export type RowColumn = (typeof ROW_COLUMNS)[number][0]

/**
 * Columns that describe what a service looked like: one `contents` row per distinct combination
 * (keyed by the content hash), shared by every observation and service that showed it.
 */
export const CONTENT_COLUMNS: readonly RowColumn[] = [
  'protocol',
  'status',
  'banner',
  'error',
  'data',
  'fingerprint',
  'audit',
  'vendor',
  'product',
  'version',
  'device_type',
  'os',
]

/** Columns of `services` that follow the newest record: what search and facets filter on. */
export const SERVICE_STATE_COLUMNS: readonly RowColumn[] = [
  'protocol',
  'status',
  'vendor',
  'product',
  'version',
  'device_type',
  'os',
  'cpe',
  'audit_result',
  'http_title',
  'http_server',
  'http_status',
  'ssh_version',
  'telnet_prompt',
]

// PostgreSQL text cannot hold NUL; write it the way printable() writes control characters.
function clean(s: string | undefined, max = 4096): string | null {
  if (s === undefined) return null
  const t = s.includes('\u0000') ? s.replaceAll('\u0000', '\\x00') : s
  return t.length > max ? t.slice(0, max) : t
}

const CANONICAL_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/

/** A record's time as the store keeps it (ISO 8601, milliseconds, UTC), so times compare as strings. */
export function canonicalTime(timestamp: string): string {
  return CANONICAL_TIME.test(timestamp) ? timestamp : new Date(timestamp).toISOString()
}

function pick(data: Record<string, unknown>, proto: string, key: string): unknown {
  const section = data[proto]
  return section && typeof section === 'object' ? (section as Record<string, unknown>)[key] : undefined
}

const str = (v: unknown, max = 1024): string | null => (typeof v === 'string' ? clean(v, max) : null)

/** One record as the row values, in ROW_COLUMNS order. The record must have passed scanRecordSchema. */
export function recordToRow(r: ScanRecord): unknown[] {
  const fp = r.fingerprint
  const status = pick(r.data, 'http', 'status_code')
  // built in ROW_COLUMNS order directly: this runs once per ingested record
  const row: unknown[] = [
    r.ip,
    ipv4ToNumber(r.ip),
    r.port,
    r.transport,
    r.scan_id,
    canonicalTime(r.timestamp),
    clean(r.protocol, 64),
    r.status,
    clean(r.banner, Number.POSITIVE_INFINITY),
    clean(r.error),
    JSON.stringify(r.data),
    fp ? JSON.stringify(fp) : null,
    r.audit ? JSON.stringify(r.audit) : null,
    clean(fp?.vendor, 256),
    clean(fp?.product, 256),
    clean(fp?.version, 256),
    clean(fp?.device_type, 256),
    clean(fp?.os, 256),
    fp && fp.cpe.length > 0 ? clean(fp.cpe.join(' '), 8192) : null,
    r.audit?.result ?? null,
    str(pick(r.data, 'http', 'title')),
    str(pick(r.data, 'http', 'server')),
    typeof status === 'number' && Number.isInteger(status) ? status : null,
    str(pick(r.data, 'ssh', 'software')),
    str(pick(r.data, 'telnet', 'prompt')),
    null,
  ]
  // what the service shows, hashed: an unchanged service then costs a hash comparison, not a content write
  row[COL_INDEX.content_hash] = hash(
    'md5',
    CONTENT_INDEXES.map((i) => String(row[i] ?? '')).join('\u0000'),
    'base64',
  )
  return row
}

/** The words full-text search finds a content by: banner and HTTP title. Computed only for new contents. */
export function searchText(row: readonly unknown[]): string {
  return textTokens(`${row[COL_INDEX.banner]} ${row[COL_INDEX.http_title] ?? ''}`)
    .join(' ')
    .slice(0, 16_384)
}

export const COL_INDEX = Object.fromEntries(ROW_COLUMNS.map(([name], i) => [name, i])) as Record<
  RowColumn,
  number
>
const CONTENT_INDEXES = CONTENT_COLUMNS.map((c) => COL_INDEX[c])

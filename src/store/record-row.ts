import { createHash } from 'node:crypto'
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
  ['search_text', 'text'],
  ['content_hash', 'text'],
] as const

export type RowColumn = (typeof ROW_COLUMNS)[number][0]

/** Columns that describe what a service looked like (kept per observation for history). */
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

/** Columns of `services` that follow the newest record: narrow, so scans and facets stay cheap. */
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
  'content_hash',
]

/** The bulky part of a service's newest record, kept beside it in `service_details`. */
export const DETAIL_COLUMNS: readonly RowColumn[] = [
  'banner',
  'error',
  'data',
  'fingerprint',
  'audit',
  'search_text',
]

// PostgreSQL text cannot hold NUL; write it the way printable() writes control characters.
function clean(s: string | undefined, max = 4096): string | null {
  if (s === undefined) return null
  const t = s.includes('\u0000') ? s.replaceAll('\u0000', '\\x00') : s
  return t.length > max ? t.slice(0, max) : t
}

const CANONICAL_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/

function pick(data: Record<string, unknown>, proto: string, key: string): unknown {
  const section = data[proto]
  return section && typeof section === 'object' ? (section as Record<string, unknown>)[key] : undefined
}

const str = (v: unknown, max = 1024): string | null => (typeof v === 'string' ? clean(v, max) : null)

/** One record as the row values, in ROW_COLUMNS order. The record must have passed scanRecordSchema. */
export function recordToRow(r: ScanRecord): unknown[] {
  const fp = r.fingerprint
  const httpTitle = str(pick(r.data, 'http', 'title'))
  const status = pick(r.data, 'http', 'status_code')
  const banner = clean(r.banner, Number.POSITIVE_INFINITY) as string
  const row: Record<RowColumn, unknown> = {
    ip: r.ip,
    ip_num: ipv4ToNumber(r.ip),
    port: r.port,
    transport: r.transport,
    scan_id: r.scan_id,
    ts: CANONICAL_TIME.test(r.timestamp) ? r.timestamp : new Date(r.timestamp).toISOString(),
    protocol: clean(r.protocol, 64),
    status: r.status,
    banner,
    error: clean(r.error),
    data: JSON.stringify(r.data),
    fingerprint: fp ? JSON.stringify(fp) : null,
    audit: r.audit ? JSON.stringify(r.audit) : null,
    vendor: clean(fp?.vendor, 256),
    product: clean(fp?.product, 256),
    version: clean(fp?.version, 256),
    device_type: clean(fp?.device_type, 256),
    os: clean(fp?.os, 256),
    cpe: fp && fp.cpe.length > 0 ? clean(fp.cpe.join(' '), 8192) : null,
    audit_result: r.audit?.result ?? null,
    http_title: httpTitle,
    http_server: str(pick(r.data, 'http', 'server')),
    http_status: typeof status === 'number' && Number.isInteger(status) ? status : null,
    ssh_version: str(pick(r.data, 'ssh', 'software')),
    telnet_prompt: str(pick(r.data, 'telnet', 'prompt')),
    search_text: textTokens(`${banner} ${httpTitle ?? ''}`)
      .join(' ')
      .slice(0, 16_384),
    content_hash: null,
  }
  // what the service shows, hashed: an unchanged service is then a cheap last-seen update
  row.content_hash = createHash('md5')
    .update(CONTENT_COLUMNS.map((c) => String(row[c] ?? '')).join('\u0000'))
    .digest('base64')
  return ROW_COLUMNS.map(([name]) => row[name])
}

export const COL_INDEX = Object.fromEntries(ROW_COLUMNS.map(([name], i) => [name, i])) as Record<
  RowColumn,
  number
>

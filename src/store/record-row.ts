import { hash } from 'node:crypto'
import { parseDottedIPv4 } from '../core/ipv4.js'
import type { ScanRecord } from '../core/record.js'
import { tlsWrapped } from '../core/tls-wrapped.js'
import { builtinModules } from '../modules/index.js'
import { textTokens } from '../query/tokens.js'

/** The columns a record fills, in one order shared by services and observations. */
export const ROW_COLUMNS = [
  ['ip', 'text'],
  ['ip_num', 'bigint'],
  ['service_key', 'bigint'],
  ['port', 'int'],
  ['transport', 'text'],
  ['scan_id', 'text'],
  ['ts', 'bigint'],
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

/**
 * A record's time as the store keeps it: milliseconds since the epoch, an integer that compares,
 * indexes and stores smaller than text. The record schema has checked it is an ISO 8601 time.
 */
export function timeMs(timestamp: string): number {
  const ms = canonicalIsoMs(timestamp) ?? Date.parse(timestamp)
  if (Number.isNaN(ms)) throw new RangeError(`not a time: ${JSON.stringify(timestamp.slice(0, 40))}`)
  return ms
}

/** The digits of `s` from `from` to `to` (exclusive) as a number, or -1 if one is not a digit. */
function digits(s: string, from: number, to: number): number {
  let n = 0
  for (let i = from; i < to; i++) {
    const d = s.charCodeAt(i) - 48
    if (d < 0 || d > 9) return -1
    n = n * 10 + d
  }
  return n
}

/**
 * `2026-11-26T02:19:28.123Z`, the form every mamori record has (toISOString), read by hand: a
 * quarter of Date.parse's time, and ingest reads each record's time twice. Anything else, or a day
 * past the 28th (months differ), is left to Date.parse.
 */
function canonicalIsoMs(s: string): number | undefined {
  if (s.length !== 24 || s[4] !== '-' || s[7] !== '-' || s[10] !== 'T' || s[13] !== ':') return undefined
  if (s[16] !== ':' || s[19] !== '.' || s[23] !== 'Z') return undefined
  const year = digits(s, 0, 4)
  const month = digits(s, 5, 7)
  const day = digits(s, 8, 10)
  const hour = digits(s, 11, 13)
  const minute = digits(s, 14, 16)
  const second = digits(s, 17, 19)
  const ms = digits(s, 20, 23)
  // Date.UTC reads years 0-99 as 1900-1999
  if (year < 100 || month < 1 || month > 12 || day < 1 || day > 28 || hour < 0 || hour > 23) return undefined
  if (minute < 0 || minute > 59 || second < 0 || second > 59 || ms < 0) return undefined
  return Date.UTC(year, month - 1, day, hour, minute, second, ms)
}

/** A stored time (an integer, or a string from PostgreSQL's BIGINT) as ISO 8601 UTC. */
export function msToIso(stored: unknown): string {
  return new Date(Number(stored)).toISOString()
}

/**
 * A module's search field (`http.title`) as the store reads it from a record: the field's own
 * `value` of the protocol's section of `data`, spoken directly or inside TLS (HTTPS on 443).
 */
function moduleField(name: string): (data: Record<string, unknown>) => unknown {
  const proto = name.slice(0, name.indexOf('.'))
  const field = builtinModules.find((m) => m.name === proto)?.searchFields?.find((f) => f.name === name)
  if (!field) throw new Error(`no module contributes the search field ${name}`)
  return (data) => {
    const wrapped = tlsWrapped(data)
    const section = data[proto] ?? (wrapped?.protocol === proto ? wrapped.result : undefined)
    return section && typeof section === 'object' ? field.value(section) : undefined
  }
}

const httpTitle = moduleField('http.title')
const httpServer = moduleField('http.server')
const httpStatus = moduleField('http.status')
const sshVersion = moduleField('ssh.version')
const telnetPrompt = moduleField('telnet.prompt')

const str = (v: unknown, max = 1024): string | null => (typeof v === 'string' ? clean(v, max) : null)

/** A record's content in CONTENT_COLUMNS order, as stored. */
function recordContent(r: ScanRecord): unknown[] {
  const fp = r.fingerprint
  return [
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
  ]
}

/**
 * An injective text form of a JSON-like value, cheaper than JSON.stringify: strings are
 * length-prefixed, so nothing needs escaping. Key order is the object's own, as in JSON.
 */
function encodeValue(v: unknown): string {
  switch (typeof v) {
    case 'string':
      return `${v.length}"${v}`
    case 'number':
      return `${v};`
    case 'boolean':
      return v ? 't' : 'f'
    case 'bigint':
      return `${v}n`
    case 'object': {
      if (v === null) return 'n'
      if (Array.isArray(v)) {
        let s = '['
        for (const x of v) s += encodeValue(x)
        return `${s}]`
      }
      const json = (v as { toJSON?: () => unknown }).toJSON
      if (typeof json === 'function') return `j${encodeValue(json.call(v))}`
      let s = '{'
      for (const k in v) {
        const x = (v as Record<string, unknown>)[k]
        if (x !== undefined) s += `${k.length}"${k}${encodeValue(x)}`
      }
      return `${s}}`
    }
    default:
      return 'u'
  }
}

/**
 * The key a content is stored under: an unchanged service then costs this hash and a comparison,
 * not a content write. One encoding of what the service showed (not of the stored columns, which
 * are derived from it and only built when a content is new); SHA-256 truncated to 132 bits.
 */
export function contentHash(r: ScanRecord): string {
  const shown = [
    r.protocol,
    r.status,
    r.banner,
    r.error ?? null,
    r.data,
    r.fingerprint ?? null,
    r.audit ?? null,
  ]
  return hash('sha256', encodeValue(shown), 'base64').slice(0, 22)
}

/**
 * One record as the row values, in ROW_COLUMNS order. The record must have passed scanRecordSchema.
 * Writers that already hashed its content pass the hash in.
 */
export function recordToRow(r: ScanRecord, hashed = contentHash(r)): unknown[] {
  const fp = r.fingerprint
  const status = httpStatus(r.data)
  const ipNum = parseDottedIPv4(r.ip) as number
  return [
    r.ip,
    ipNum,
    serviceKey(ipNum, r.port, r.transport),
    r.port,
    r.transport,
    r.scan_id,
    timeMs(r.timestamp),
    ...recordContent(r),
    fp && fp.cpe.length > 0 ? clean(fp.cpe.join(' '), 8192) : null,
    r.audit?.result ?? null,
    str(httpTitle(r.data)),
    str(httpServer(r.data)),
    typeof status === 'number' && Number.isInteger(status) ? status : null,
    str(sshVersion(r.data)),
    str(telnetPrompt(r.data)),
    hashed,
  ]
}

/**
 * One integer per (address, port, transport), below 2^49: a service's id in the store. Services
 * are then found by one integer-keyed lookup, and list in address order.
 */
export function serviceKey(ipNum: number, port: number, transport: string): number {
  return ipNum * KEYS_PER_ADDRESS + port * 2 + (transport === 'udp' ? 1 : 0)
}

/** Service ids per address: the ids of an address's services are one block of this size. */
export const KEYS_PER_ADDRESS = 131_072

/** The service ids of the numeric addresses lo..hi (inclusive): services of a network are one id range. */
export function addressIdRange(lo: number, hi: number): [first: number, last: number] {
  return [lo * KEYS_PER_ADDRESS, hi * KEYS_PER_ADDRESS + KEYS_PER_ADDRESS - 1]
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

import { AUDIT_OUTCOMES } from '../core/record.js'
import { SCAN_STATUSES } from '../core/scan-status.js'

/**
 * How a field's values are read and compared:
 * - `string`: case-insensitive equality (indexed);
 * - `text`: case-insensitive substring;
 * - `int` / `float`: a number or an inclusive range `lo-hi`;
 * - `cidr`: an IPv4 address or CIDR, compared on the numeric address;
 * - `date`: `YYYY-MM-DD` or an ISO 8601 time, compared with the last time the service was seen;
 * - `bool`: true/false; `enum`: one of `values`.
 */
export type FieldType = 'string' | 'text' | 'int' | 'float' | 'cidr' | 'date' | 'bool' | 'enum'

/** Tables and views keyed by service, each with a `service_id` column. */
export type RelatedTable = 'vulns' | 'findings' | 'observation_scans' | 'service_seen'

/**
 * Where the value lives: a column of `services`, a column of a table keyed by service, or a column
 * of the service's current content (`contents`, referenced by `services.content_id`).
 */
export type FieldTarget =
  | { readonly kind: 'column'; readonly column: string }
  | { readonly kind: 'related'; readonly table: RelatedTable; readonly column: string }
  | { readonly kind: 'content'; readonly column: string }

export interface FieldDef {
  readonly name: string
  readonly type: FieldType
  readonly target: FieldTarget
  readonly description: string
  /** For `date`: which side of the value matches. */
  readonly compare?: 'before' | 'after'
  readonly values?: readonly string[]
  readonly min?: number
  readonly max?: number
  /** Case of stored values for `string` fields kept in one case (vulnerability ids). */
  readonly upper?: boolean
  /** `string` fields compared case-sensitively (ids). */
  readonly exact?: boolean
  /** Counted by `--facets`. */
  readonly facet?: boolean
}

const col = (column: string): FieldTarget => ({ kind: 'column', column })
const rel = (table: RelatedTable, column: string): FieldTarget => ({ kind: 'related', table, column })

/** The field table: adding a search field is one entry here (and a column the store fills). */
export const FIELDS: readonly FieldDef[] = [
  // a service's id is its address and port in one integer (serviceKey): an address range is an id range
  { name: 'ip', type: 'cidr', target: col('id'), description: 'address or CIDR', facet: false },
  { name: 'net', type: 'cidr', target: col('id'), description: 'network in CIDR notation' },
  {
    name: 'port',
    type: 'int',
    target: col('port'),
    min: 0,
    max: 65535,
    facet: true,
    description: 'port or range (8000-8099)',
  },
  {
    name: 'transport',
    type: 'enum',
    target: col('transport'),
    values: ['tcp', 'udp'],
    facet: true,
    description: 'tcp or udp',
  },
  {
    name: 'protocol',
    type: 'string',
    target: col('protocol'),
    facet: true,
    description: 'protocol spoken (telnet, ssh, http...)',
  },
  {
    name: 'status',
    type: 'enum',
    target: col('status'),
    values: SCAN_STATUSES,
    facet: true,
    description: 'grab status',
  },
  {
    name: 'product',
    type: 'string',
    target: col('product'),
    facet: true,
    description: 'fingerprinted product',
  },
  { name: 'vendor', type: 'string', target: col('vendor'), facet: true, description: 'fingerprinted vendor' },
  {
    name: 'version',
    type: 'string',
    target: col('version'),
    facet: true,
    description: 'fingerprinted version',
  },
  {
    name: 'device',
    type: 'string',
    target: col('device_type'),
    facet: true,
    description: 'device type (camera, router...)',
  },
  { name: 'os', type: 'string', target: col('os'), facet: true, description: 'operating system' },
  { name: 'cpe', type: 'text', target: col('cpe'), description: 'part of a CPE 2.3 name' },
  {
    name: 'banner',
    type: 'text',
    target: { kind: 'content', column: 'banner' },
    description: 'substring of the banner',
  },
  {
    name: 'http.title',
    type: 'text',
    target: col('http_title'),
    facet: true,
    description: 'substring of the HTML title',
  },
  {
    name: 'http.status',
    type: 'int',
    target: col('http_status'),
    min: 100,
    max: 999,
    facet: true,
    description: 'HTTP status code or range',
  },
  {
    name: 'http.server',
    type: 'text',
    target: col('http_server'),
    facet: true,
    description: 'substring of the Server header',
  },
  {
    name: 'ssh.version',
    type: 'text',
    target: col('ssh_version'),
    facet: true,
    description: 'substring of the SSH software version',
  },
  {
    name: 'telnet.prompt',
    type: 'text',
    target: col('telnet_prompt'),
    facet: true,
    description: 'substring of the telnet prompt',
  },
  {
    name: 'audit',
    type: 'enum',
    target: col('audit_result'),
    values: AUDIT_OUTCOMES,
    facet: true,
    description: 'credential audit result',
  },
  {
    name: 'scan',
    type: 'string',
    exact: true,
    target: rel('observation_scans', 'scan_id'),
    facet: true,
    description: 'seen by this scan id',
  },
  {
    name: 'before',
    type: 'date',
    compare: 'before',
    target: rel('service_seen', 'last_seen'),
    description: 'last seen before this date',
  },
  {
    name: 'after',
    type: 'date',
    compare: 'after',
    target: rel('service_seen', 'last_seen'),
    description: 'last seen on or after this date',
  },
  {
    name: 'vuln',
    type: 'string',
    upper: true,
    target: rel('vulns', 'vuln_id'),
    facet: true,
    description: 'CVE id',
  },
  { name: 'kev', type: 'bool', target: rel('vulns', 'kev'), description: 'has a vulnerability in CISA KEV' },
  {
    name: 'cvss',
    type: 'float',
    min: 0,
    max: 10,
    target: rel('vulns', 'cvss'),
    description: 'has a CVSS score in range',
  },
  {
    name: 'has_vuln',
    type: 'bool',
    target: col('has_vuln'),
    facet: true,
    description: 'any known vulnerability',
  },
  {
    name: 'finding',
    type: 'string',
    target: rel('findings', 'type'),
    facet: true,
    description: 'finding type',
  },
  {
    name: 'severity',
    type: 'enum',
    values: ['critical', 'high', 'medium', 'low', 'info'],
    target: rel('findings', 'severity'),
    facet: true,
    description: 'severity of a finding',
  },
  {
    name: 'country',
    type: 'string',
    target: col('country'),
    facet: true,
    description: 'ISO 3166 country code',
  },
  {
    name: 'asn',
    type: 'int',
    min: 0,
    max: 4294967295,
    target: col('asn'),
    facet: true,
    description: 'AS number (AS2497 or 2497)',
  },
  {
    name: 'org',
    type: 'text',
    target: col('org'),
    facet: true,
    description: 'substring of the owning organisation',
  },
]

const BY_NAME = new Map(FIELDS.map((f) => [f.name, f]))

export function fieldByName(name: string): FieldDef | undefined {
  return BY_NAME.get(name.toLowerCase())
}

/** The closest field name, when it is close enough to be what the user meant. */
export function suggestField(name: string): string | undefined {
  const lower = name.toLowerCase()
  const suffix = FIELDS.find((f) => f.name.endsWith(`.${lower}`))
  if (suffix) return suffix.name
  let best: { name: string; d: number } | undefined
  for (const f of FIELDS) {
    const d = editDistance(lower, f.name)
    if (!best || d < best.d) best = { name: f.name, d }
  }
  return best && best.d <= (name.length <= 3 ? 1 : 2) ? best.name : undefined
}

function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 3) return 99
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const cur = [i]
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(
        (prev[j] as number) + 1,
        (cur[j - 1] as number) + 1,
        (prev[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1),
      )
    }
    prev = cur
  }
  return prev[b.length] as number
}

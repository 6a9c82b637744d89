import { AUDIT_OUTCOMES } from '../core/record.js'
import { SCAN_STATUSES } from '../core/scan-status.js'
import type { SearchField } from '../core/search-field.js'
import { builtinModules } from '../modules/index.js'

/** A logical search field; the store's dialects say where each one lives. */
export type FieldDef = SearchField

/** The fields of every service, whatever it speaks (a protocol's own come from its module). */
const SERVICE_FIELDS: readonly SearchField[] = [
  { name: 'ip', type: 'cidr', description: 'address or CIDR', facet: false },
  { name: 'net', type: 'cidr', description: 'network in CIDR notation' },
  {
    name: 'port',
    type: 'int',
    min: 0,
    max: 65535,
    facet: true,
    description: 'port or range (8000-8099)',
  },
  {
    name: 'transport',
    type: 'enum',
    values: ['tcp', 'udp'],
    facet: true,
    description: 'tcp or udp',
  },
  {
    name: 'protocol',
    type: 'string',
    facet: true,
    description: 'protocol spoken (telnet, ssh, http...)',
  },
  {
    name: 'status',
    type: 'enum',
    values: SCAN_STATUSES,
    facet: true,
    description: 'grab status',
  },
  {
    name: 'product',
    type: 'string',
    facet: true,
    description: 'fingerprinted product',
  },
  { name: 'vendor', type: 'string', facet: true, description: 'fingerprinted vendor' },
  {
    name: 'version',
    type: 'string',
    facet: true,
    description: 'fingerprinted version',
  },
  {
    name: 'device',
    type: 'string',
    facet: true,
    description: 'device type (camera, router...)',
  },
  { name: 'os', type: 'string', facet: true, description: 'operating system' },
  { name: 'cpe', type: 'text', description: 'part of a CPE 2.3 name' },
  {
    name: 'banner',
    type: 'text',
    description: 'substring of the banner',
  },
  {
    name: 'audit',
    type: 'enum',
    values: AUDIT_OUTCOMES,
    facet: true,
    description: 'credential audit result',
  },
  {
    name: 'scan',
    type: 'string',
    exact: true,
    facet: true,
    description: 'seen by this scan id',
  },
  {
    name: 'before',
    type: 'date',
    compare: 'before',
    description: 'last seen before this date',
  },
  {
    name: 'after',
    type: 'date',
    compare: 'after',
    description: 'last seen on or after this date',
  },
  {
    name: 'vuln',
    type: 'string',
    upper: true,
    facet: true,
    description: 'CVE id',
  },
  { name: 'kev', type: 'bool', description: 'has a vulnerability in CISA KEV' },
  {
    name: 'cvss',
    type: 'float',
    min: 0,
    max: 10,
    description: 'has a CVSS score in range',
  },
  {
    name: 'has_vuln',
    type: 'bool',
    facet: true,
    description: 'any known vulnerability',
  },
  {
    name: 'finding',
    type: 'string',
    facet: true,
    description: 'finding type',
  },
  {
    name: 'severity',
    type: 'enum',
    values: ['critical', 'high', 'medium', 'low', 'info'],
    facet: true,
    description: 'severity of a finding',
  },
  {
    name: 'country',
    type: 'string',
    facet: true,
    description: 'ISO 3166 country code',
  },
  {
    name: 'asn',
    type: 'int',
    min: 0,
    max: 4294967295,
    facet: true,
    description: 'AS number (AS2497 or 2497)',
  },
  {
    name: 'org',
    type: 'text',
    facet: true,
    description: 'substring of the owning organisation',
  },
]

/**
 * The search language's fields: those of every service, then what each registered protocol module
 * contributes (`http.title`, `ssh.version`); adding one is an entry in a list and a place in the store.
 */
export const FIELDS: readonly FieldDef[] = [
  ...SERVICE_FIELDS,
  ...builtinModules.flatMap((m) => (m.searchFields ?? []) as readonly SearchField[]),
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

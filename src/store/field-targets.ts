import { MamoriError } from '../core/errors.js'
import type { SearchField } from '../core/search-field.js'

/** Tables and views keyed by service, each with a `service_id` column. */
type RelatedTable = 'vulns' | 'findings' | 'observation_scans' | 'service_seen'

/**
 * Where a field's value lives: a column of `services`, a column of a table keyed by service, or a
 * column of the service's current content (`contents`, referenced by `services.content_id`).
 */
export type FieldTarget =
  | { readonly kind: 'column'; readonly column: string }
  | { readonly kind: 'related'; readonly table: RelatedTable; readonly column: string }
  | { readonly kind: 'content'; readonly column: string }

const col = (column: string): FieldTarget => ({ kind: 'column', column })
const rel = (table: RelatedTable, column: string): FieldTarget => ({ kind: 'related', table, column })

/**
 * Where each logical search field (query/fields.ts) is stored, in the schema both dialects share
 * (the migrations create these columns; record-row.ts fills them).
 */
const TARGETS: Readonly<Record<string, FieldTarget>> = {
  // a service's id is its address and port in one integer (serviceKey): an address range is an id range
  ip: col('id'),
  net: col('id'),
  port: col('port'),
  transport: col('transport'),
  protocol: col('protocol'),
  status: col('status'),
  product: col('product'),
  vendor: col('vendor'),
  version: col('version'),
  device: col('device_type'),
  os: col('os'),
  cpe: col('cpe'),
  banner: { kind: 'content', column: 'banner' },
  'http.title': col('http_title'),
  'http.status': col('http_status'),
  'http.server': col('http_server'),
  'ssh.version': col('ssh_version'),
  'telnet.prompt': col('telnet_prompt'),
  audit: col('audit_result'),
  scan: rel('observation_scans', 'scan_id'),
  before: rel('service_seen', 'last_seen'),
  after: rel('service_seen', 'last_seen'),
  vuln: rel('vulns', 'vuln_id'),
  kev: rel('vulns', 'kev'),
  cvss: rel('vulns', 'cvss'),
  has_vuln: col('has_vuln'),
  finding: rel('findings', 'type'),
  severity: rel('findings', 'severity'),
  country: col('country'),
  asn: col('asn'),
  org: col('org'),
}

/** Where the store keeps a field; a field the schema has no place for is an error, not a silent miss. */
export function fieldTarget(field: SearchField): FieldTarget {
  const target = TARGETS[field.name]
  if (!target)
    throw new MamoriError('ERR_STORE', `the store has no column for the search field ${field.name}`)
  return target
}

import { createHash } from 'node:crypto'
import { parse as parseYaml } from 'yaml'
import { z } from 'zod'
import { readBoundedFile } from '../core/bounded-input.js'
import { MamoriError } from '../core/errors.js'
import { parseIPv4 } from '../core/ipv4.js'
import { parseAddressSpec } from './address-spec.js'
import { IPv4RangeSet } from './range-set.js'
import { allowedByEntries, LOOPBACK, type Scope } from './scope.js'

const MAX_SCOPE_BYTES = 1024 * 1024

const addressSpec = z.string().refine((s) => parseAddressSpec(s) !== undefined, {
  message: 'not an IPv4 address, CIDR or range',
})

/** The scope file: who owns the networks, who authorised the scan, what may be done. */
const scopeFileSchema = z.strictObject({
  owner: z.string().min(1),
  contact: z.string().min(1),
  authorised_by: z.string().min(1),
  cidrs: z.array(addressSpec).min(1),
  exclude: z.array(addressSpec).default([]),
  credential_audit: z.boolean().default(false),
  /** DNS servers `--dns-server` may ask, when they are not inside `cidrs` */
  dns_servers: z
    .array(z.string().refine((s) => parseIPv4(s) !== undefined, { message: 'not an IPv4 address' }))
    .default([]),
})

/** Reads and validates a scope file; any problem is ERR_SCOPE_FILE with the file and the field. */
export async function loadScopeFile(path: string): Promise<Scope> {
  let bytes: Buffer
  try {
    // streamed with a cap: `--scope /dev/zero` is refused after 1 MiB, not after filling memory
    bytes = await readBoundedFile(path, MAX_SCOPE_BYTES)
  } catch (err) {
    throw new MamoriError('ERR_SCOPE_FILE', `cannot read scope file ${path}: ${(err as Error).message}`)
  }
  let doc: unknown
  try {
    doc = parseYaml(bytes.toString('utf8'))
  } catch (err) {
    throw new MamoriError('ERR_SCOPE_FILE', `scope file ${path} is not valid YAML: ${(err as Error).message}`)
  }
  const parsed = scopeFileSchema.safeParse(doc)
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(top level)'}: ${i.message}`)
    throw new MamoriError('ERR_SCOPE_FILE', `scope file ${path} is invalid: ${problems.join('; ')}`)
  }
  const file = parsed.data
  const sets = (list: string[]) => list.map((s) => parseAddressSpec(s) as IPv4RangeSet)
  const excluded = IPv4RangeSet.of(sets(file.exclude).flatMap((ex) => ex.ranges))
  const allowed = allowedByEntries(sets(file.cidrs)).union(LOOPBACK).subtract(excluded)
  return {
    name: path,
    file: path,
    hash: createHash('sha256').update(bytes).digest('hex'),
    owner: file.owner,
    contact: file.contact,
    authorisedBy: file.authorised_by,
    credentialAudit: file.credential_audit,
    allowed,
    dnsServers: IPv4RangeSet.of(
      file.dns_servers.map((s) => [parseIPv4(s) as number, parseIPv4(s) as number]),
    ),
  }
}

import { MamoriError } from '../core/errors.js'
import { formatIPv4, parseIPv4 } from '../core/ipv4.js'
import { type IPv4Range, IPv4RangeSet } from './range-set.js'
import { SPECIAL_RANGES, SPECIAL_SET, specialRangeOf } from './special-ranges.js'

/** Loopback: the only scope a scan has without a scope file. */
export const LOOPBACK = IPv4RangeSet.of([[0x7f000000, 0x7fffffff]])

/** What may be touched, and on whose authority. */
export interface Scope {
  /** How messages name this scope: the file path, or "loopback (default)". */
  readonly name: string
  readonly file?: string
  /** sha256 of the scope file's bytes: the audit log records which version authorised a scan. */
  readonly hash?: string
  readonly owner?: string
  readonly contact?: string
  readonly authorisedBy?: string
  /** Whether the default-credential audit may run on this scope. */
  readonly credentialAudit: boolean
  /** Every address a scan may touch: loopback, plus the file's CIDRs minus its exclusions. */
  readonly allowed: IPv4RangeSet
  /** DNS servers the file names (`dns_servers`) that may be asked although outside `allowed`. */
  readonly dnsServers?: IPv4RangeSet
}

export const loopbackScope: Scope = {
  name: 'loopback (default scope)',
  credentialAudit: true,
  allowed: LOOPBACK,
}

/**
 * The addresses a list of scope entries allows. Special-purpose ranges (ZMap's blocklist) are
 * left out unless an entry lies inside one, i.e. names it explicitly: `10.1.0.0/16` allows that
 * private block, while `0.0.0.0/0` does not open multicast or documentation space.
 */
export function allowedByEntries(entries: readonly IPv4RangeSet[]): IPv4RangeSet {
  const allowed: IPv4Range[] = []
  for (const entry of entries) {
    const named = SPECIAL_RANGES.some((s) => IPv4RangeSet.of([s.range]).covers(entry))
    allowed.push(...(named ? entry : entry.subtract(SPECIAL_SET)).ranges)
  }
  return IPv4RangeSet.of(allowed)
}

/** One target as the user wrote it and the addresses it stands for. */
export interface ResolvedTarget {
  readonly text: string
  readonly addresses: IPv4RangeSet
  /** The text was a hostname, and `addresses` is what it resolved to. */
  readonly hostname?: true
}

/**
 * The single scope gate, run once before any packet: every address of every target (after the
 * user's exclusions) must be in scope, or the whole scan is refused with a message naming the
 * target, the first address at fault and the scope.
 */
export function enforceScope(
  scope: Scope,
  targets: readonly ResolvedTarget[],
  exclude: IPv4RangeSet,
): IPv4RangeSet {
  const all: IPv4Range[] = []
  for (const t of targets) {
    const wanted = t.addresses.subtract(exclude)
    const outside = wanted.subtract(scope.allowed)
    const first = outside.first()
    if (first !== undefined) {
      const special = specialRangeOf(first)
      const why = special
        ? `it is in ${special.cidr} (${special.why}), which scope ${scope.name} does not name explicitly`
        : `it is outside scope ${scope.name}`
      const count =
        outside.size > 1 ? ` (${outside.size} addresses out of scope, first ${formatIPv4(first)})` : ''
      throw new MamoriError('ERR_SCOPE_REFUSED', `refused target ${t.text}${count}: ${why}`)
    }
    all.push(...wanted.ranges)
  }
  // one merge at the end: a target list of 100,000 lines stays linear-logarithmic
  return IPv4RangeSet.of(all)
}

/**
 * `--dns-server` values (`ip` or `ip:port`) must be in scope or named in the scope file's
 * `dns_servers`: a query is a packet too. Run before any name is resolved.
 */
export function enforceDnsServers(scope: Scope, servers: readonly string[]): void {
  for (const server of servers) {
    const host = /^(\d[\d.]*)(?::\d{1,5})?$/.exec(server)?.[1]
    const ip = host === undefined ? undefined : parseIPv4(host)
    if (ip === undefined) {
      throw new MamoriError(
        'ERR_USAGE',
        `bad DNS server ${JSON.stringify(server.slice(0, 100))}: expected an IPv4 address, optionally with :port`,
      )
    }
    if (!scope.allowed.contains(ip) && !scope.dnsServers?.contains(ip)) {
      throw new MamoriError(
        'ERR_SCOPE_REFUSED',
        `refused DNS server ${server}: it is outside scope ${scope.name}; name it in the scope file's dns_servers to use it`,
      )
    }
  }
}

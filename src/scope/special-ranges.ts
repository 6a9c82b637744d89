import { cidrBounds } from '../core/ipv4.js'
import { type IPv4Range, IPv4RangeSet } from './range-set.js'

/** A special-purpose block (ZMap's conf/blocklist.conf, from the IANA registry). */
export interface SpecialRange {
  readonly cidr: string
  readonly range: IPv4Range
  readonly why: string
}

function block(cidr: string, why: string): SpecialRange {
  const [a, b, c, d, prefix] = cidr.split(/[./]/).map(Number) as [number, number, number, number, number]
  return { cidr, range: cidrBounds(((a << 24) | (b << 16) | (c << 8) | d) >>> 0, prefix), why }
}

/**
 * Never scanned unless a scope entry lies inside one of them (names it explicitly): the same list
 * ZMap ships as its default blocklist. Loopback is here too; it is the default scope.
 */
export const SPECIAL_RANGES: readonly SpecialRange[] = [
  block('255.255.255.255/32', 'RFC 919 limited broadcast'),
  block('0.0.0.0/8', 'RFC 1122 "this network"'),
  block('10.0.0.0/8', 'RFC 1918 private use'),
  block('100.64.0.0/10', 'RFC 6598 shared address space (CGN)'),
  block('127.0.0.0/8', 'RFC 1122 loopback'),
  block('169.254.0.0/16', 'RFC 3927 link-local'),
  block('172.16.0.0/12', 'RFC 1918 private use'),
  block('192.0.0.0/24', 'RFC 6890 IETF protocol assignments'),
  block('192.0.2.0/24', 'RFC 5737 documentation (TEST-NET-1)'),
  block('192.88.99.0/24', 'RFC 3068 6to4 relay anycast'),
  block('192.168.0.0/16', 'RFC 1918 private use'),
  block('198.18.0.0/15', 'RFC 2544 benchmarking'),
  block('198.51.100.0/24', 'RFC 5737 documentation (TEST-NET-2)'),
  block('203.0.113.0/24', 'RFC 5737 documentation (TEST-NET-3)'),
  block('224.0.0.0/4', 'RFC 5771 multicast'),
  block('240.0.0.0/4', 'RFC 1112 reserved'),
]

export const SPECIAL_SET = IPv4RangeSet.of(SPECIAL_RANGES.map((s) => s.range))

/** The special range holding `ip`, if any. */
export function specialRangeOf(ip: number): SpecialRange | undefined {
  return SPECIAL_RANGES.find((s) => ip >= s.range[0] && ip <= s.range[1])
}

import { lookup, Resolver } from 'node:dns/promises'
import { boundedFile, readLines } from '../core/bounded-input.js'
import { MamoriError } from '../core/errors.js'
import { parseIPv4 } from '../core/ipv4.js'
import { parseAddressSpec } from '../scope/address-spec.js'
import { type IPv4Range, IPv4RangeSet } from '../scope/range-set.js'
import type { ResolvedTarget } from '../scope/scope.js'

const MAX_LIST_BYTES = 16 * 1024 * 1024
/** A target or exclusion line: a hostname is at most 253 characters, a range about 31. */
const MAX_LIST_LINE = 1024
const HOSTNAME =
  /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*\.?$/i

/**
 * Turns what the user typed (addresses in any spelling, CIDRs, ranges, hostnames, `@file` with one
 * per line and `#` comments) into address sets. Hostnames are resolved here, once, so the scope
 * check sees every address a name stands for.
 */
export async function resolveTargets(
  specs: readonly string[],
  options: { dnsServers?: readonly string[] } = {},
): Promise<ResolvedTarget[]> {
  const servers = options.dnsServers ?? []
  const names = servers.length > 0 ? viaServers(servers) : viaSystem
  const out: ResolvedTarget[] = []
  for (const spec of specs) {
    if (spec.startsWith('@')) {
      for (const line of await readList(spec.slice(1), 'target')) out.push(await resolveOne(line, names))
    } else {
      out.push(await resolveOne(spec, names))
    }
  }
  return out
}

type NameResolver = (name: string) => Promise<string[]>

/** The system resolver (getaddrinfo: /etc/hosts, then DNS), as other tools on the host see names. */
const viaSystem: NameResolver = async (name) => (await lookup(name, { all: true })).map((a) => a.address)

/** `--dns-server`: A records asked of these servers only. */
function viaServers(servers: readonly string[]): NameResolver {
  const resolver = new Resolver({ timeout: 2000, tries: 2 })
  try {
    resolver.setServers([...servers])
  } catch (err) {
    throw new MamoriError('ERR_USAGE', `bad DNS server in ${servers.join(', ')}: ${(err as Error).message}`)
  }
  return (name) => resolver.resolve4(name)
}

async function resolveOne(text: string, names: NameResolver): Promise<ResolvedTarget> {
  const set = parseAddressSpec(text)
  if (set) return { text, addresses: set }
  if (!HOSTNAME.test(text) || /^[0-9.]+$/.test(text)) {
    throw new MamoriError(
      'ERR_TARGET_SYNTAX',
      `bad target ${JSON.stringify(text)}: not an address, CIDR, range or hostname`,
    )
  }
  let found: string[]
  try {
    found = await names(text)
  } catch (err) {
    throw new MamoriError('ERR_TARGET_SYNTAX', `cannot resolve target ${text}: ${(err as Error).message}`)
  }
  const v4 = found.map((a) => parseIPv4(a)).filter((ip): ip is number => ip !== undefined)
  if (v4.length === 0) {
    throw new MamoriError(
      'ERR_TARGET_SYNTAX',
      `target ${text} has no IPv4 address (IPv6 scanning is not supported)`,
    )
  }
  return { text, addresses: IPv4RangeSet.of(v4.map((ip) => [ip, ip])), hostname: true }
}

/** `--exclude` values: CIDRs/ranges/addresses, or files of them (one per line). */
export async function resolveExcludes(specs: readonly string[]): Promise<IPv4RangeSet> {
  const ranges: IPv4Range[] = []
  for (const spec of specs) {
    const direct = parseAddressSpec(spec)
    if (direct) {
      ranges.push(...direct.ranges)
      continue
    }
    for (const line of await readList(spec, 'exclude')) {
      const s = parseAddressSpec(line)
      if (!s) throw new MamoriError('ERR_TARGET_SYNTAX', `bad exclusion ${JSON.stringify(line)} in ${spec}`)
      ranges.push(...s.ranges)
    }
  }
  return IPv4RangeSet.of(ranges)
}

/**
 * The entries of a list file (one per line, `#` comments), read as a bounded stream: a line over
 * MAX_LIST_LINE bytes or a file over MAX_LIST_BYTES is refused as soon as it is seen, so
 * `@/dev/zero` fails at once instead of filling memory.
 */
async function readList(path: string, what: string): Promise<string[]> {
  const out: string[] = []
  try {
    for await (const l of readLines(boundedFile(path, MAX_LIST_BYTES), MAX_LIST_LINE)) {
      if (l.tooLong)
        throw new MamoriError(
          'ERR_TARGET_SYNTAX',
          `${path}:${l.line}: ${what} line longer than ${MAX_LIST_LINE} bytes`,
        )
      const entry = l.text.replace(/#.*/, '').trim()
      if (entry !== '') out.push(entry)
    }
  } catch (err) {
    if (err instanceof MamoriError) throw err
    throw new MamoriError('ERR_TARGET_SYNTAX', `cannot read ${what} file ${path}: ${(err as Error).message}`)
  }
  return out
}

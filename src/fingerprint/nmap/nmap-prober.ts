import { Connection, type ConnectionLimits, DEFAULT_LIMITS } from '../../core/connection.js'
import { IoTimeoutError } from '../../core/scan-status.js'
import type { Target } from '../../core/target.js'
import type { Match, RuleSet } from '../rule-set.js'
import { type NmapProbe, type PortRange, probeKey } from './load-nmap-probes.js'

export interface ProbeOptions {
  /** nmap's --version-intensity: probes rarer than this are sent only to their listed ports. */
  intensity?: number
  /** Cap on each probe's wait (nmap's totalwaitms is often 5-6 s). */
  maxWaitMs?: number
  limits?: Partial<ConnectionLimits>
  /** Stop after this many probes whatever happens (bounds the traffic per service). */
  maxProbes?: number
  /** Ports never probed (the probe file's `Exclude`: printers print what they receive), as nmap without --allports. */
  exclude?: readonly PortRange[]
}

export interface ProbeResult {
  /** The best match (a hard match when one was found), or undefined. */
  match?: Match
  /** Every match seen, best first. */
  matches: Match[]
  /** The probes sent, in order, with how many bytes each got back. */
  sent: { probe: string; bytes: number }[]
}

/**
 * nmap -sV's exchange for one TCP service: listen first (the NULL probe), then send probes in
 * rarity order, those listing the port first, until a hard match. A softmatch narrows the
 * remaining search to its service. Every connection is bounded by the framework's limits.
 */
export async function probeService(
  target: Target,
  probes: readonly NmapProbe[],
  rules: RuleSet,
  options: ProbeOptions = {},
): Promise<ProbeResult> {
  const intensity = options.intensity ?? 7
  const maxWait = options.maxWaitMs ?? 2000
  const limits = { ...DEFAULT_LIMITS, ...options.limits }
  const byName = new Map(probes.filter((p) => p.protocol === 'TCP').map((p) => [p.name, p]))
  const result: ProbeResult = { matches: [], sent: [] }
  if (inRanges(options.exclude ?? [], target.port)) return result
  let softService: string | undefined

  const nullProbe = byName.get('NULL')
  const order = [...byName.values()]
    .filter((p) => p.name !== 'NULL' && (p.rarity <= intensity || inRanges(p.ports, target.port)))
    .map((p, index) => ({ p, index, listed: inRanges(p.ports, target.port) }))
    .sort((a, b) => Number(b.listed) - Number(a.listed) || a.p.rarity - b.p.rarity || a.index - b.index)
    .map((x) => x.p)
  const plan = nullProbe ? [nullProbe, ...order] : order

  for (const probe of plan.slice(0, options.maxProbes ?? plan.length)) {
    let conn: Connection
    try {
      conn = await Connection.open(target, limits)
    } catch {
      break // refused or unreachable: no later probe will fare better
    }
    let found: Match | undefined
    try {
      if (probe.payload) await conn.write(Buffer.from(probe.payload, 'latin1'))
      const deadline = Date.now() + Math.min(probe.totalwaitms, maxWait)
      let text = ''
      while (!conn.isEnded) {
        const left = deadline - Date.now()
        if (left <= 0) break
        let chunk: Buffer
        try {
          chunk = await conn.read(left)
        } catch (err) {
          if (err instanceof IoTimeoutError) break
          throw err
        }
        if (chunk.length === 0) break
        text += chunk.toString('latin1')
        found = matchResponse(probe, text, byName, rules, softService, result)
        if (found) break
      }
      result.sent.push({ probe: probe.name, bytes: conn.received.length })
    } catch {
      result.sent.push({ probe: probe.name, bytes: conn.received.length })
    } finally {
      conn.close()
    }
    if (found) {
      result.match = found
      break
    }
    const soft = result.matches.find((m) => m.fields['nmap.softmatch'])
    if (soft && !softService) softService = soft.fields['service.protocol']
  }
  result.matches.sort((a, b) => Number(!!a.fields['nmap.softmatch']) - Number(!!b.fields['nmap.softmatch']))
  result.match ??= result.matches[0]
  return result
}

/** Matches a response against its probe, then its fallbacks, then NULL (nmap's order); a hard match or undefined. */
function matchResponse(
  probe: NmapProbe,
  text: string,
  byName: Map<string, NmapProbe>,
  rules: RuleSet,
  softService: string | undefined,
  result: ProbeResult,
): Match | undefined {
  const names = [probe.name, ...probe.fallback, 'NULL'].filter((n, i, all) => all.indexOf(n) === i)
  for (const name of names) {
    if (!byName.has(name)) continue
    for (const m of rules.match(probeKey('TCP', name), text)) {
      if (softService && m.fields['service.protocol'] !== softService) continue
      if (!result.matches.some((x) => x.rule === m.rule)) result.matches.push(m)
      if (!m.fields['nmap.softmatch']) return m
    }
  }
  return undefined
}

function inRanges(ranges: readonly PortRange[], port: number): boolean {
  return ranges.some(([lo, hi]) => port >= lo && port <= hi)
}

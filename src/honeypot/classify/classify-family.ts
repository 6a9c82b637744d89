import { loadDictionaries } from '../../audit/dictionaries.js'
import { parseCommandLine } from '../shell/command-line.js'
import { type FamilyFeature, type FamilyRules, loadFamilyRules } from './family-rules.js'

/** What the classifier reads of a session (a SessionSummary has all of it). */
export interface SessionEvidence {
  logins: readonly { username: string; password: string; success: boolean }[]
  sizes: readonly { width: number; height: number }[]
  lines: readonly string[]
  urls: readonly string[]
}

interface DecidingFeature {
  id: string
  description: string
  weight: number
}

/** A family with its confidence and the features that decided it; `unknown` when none reaches its threshold. */
export interface FamilyVerdict {
  family: string
  variant?: string
  confidence: number
  features: DecidingFeature[]
  /** Every family's score, for the record and for tuning. */
  scores: Record<string, number>
}

let miraiPairs: Set<string> | undefined
function credentialTable(name: 'mirai'): Set<string> {
  miraiPairs ??= new Set(loadDictionaries().mirai.map((e) => `${e.username}\u0000${e.password}`))
  return name === 'mirai' ? miraiPairs : new Set()
}

/** A session's input, prepared once for every predicate. */
interface Prepared {
  sessions: readonly SessionEvidence[]
  /** Per session: user names, passwords and simple commands in the order typed. */
  typed: string[][]
  commands: string[]
  lines: string[]
  urls: string[]
}

function prepare(sessions: readonly SessionEvidence[]): Prepared {
  const typed: string[][] = []
  const commands: string[] = []
  for (const s of sessions) {
    const items = s.logins.flatMap((l) => [l.username, l.password])
    for (const line of s.lines) {
      for (const p of parseCommandLine(line)) {
        for (const c of p.commands) {
          const text = c.argv.join(' ')
          commands.push(text)
          items.push(text)
        }
      }
    }
    typed.push(items)
  }
  return {
    sessions,
    typed,
    commands,
    lines: sessions.flatMap((s) => s.lines),
    urls: sessions.flatMap((s) => s.urls),
  }
}

const regexCache = new Map<string, RegExp>()
function re(pattern: string): RegExp {
  let r = regexCache.get(pattern)
  if (!r) {
    r = new RegExp(pattern)
    regexCache.set(pattern, r)
  }
  return r
}

function holds(f: FamilyFeature, p: Prepared): boolean {
  if (f.first_logins_in) {
    const table = credentialTable(f.first_logins_in)
    const firsts = p.sessions.map((s) => s.logins[0]).filter((l) => l !== undefined)
    if (firsts.length === 0) return false
    const inTable = firsts.filter((l) => table.has(`${l.username}\u0000${l.password}`)).length
    return inTable / firsts.length >= (f.min_share ?? 1)
  }
  if (f.naws) {
    const [w, h] = f.naws
    return p.sessions.some((s) => s.sizes.some((z) => z.width === w && z.height === h))
  }
  if (f.typed_sequence)
    return f.typed_sequence.some((seq) => p.typed.some((items) => containsRun(items, seq)))
  if (f.command_matches) return p.commands.some((c) => re(f.command_matches as string).test(c))
  if (f.line_matches) return p.lines.some((l) => re(f.line_matches as string).test(l))
  if (f.url_matches) return p.urls.some((u) => re(f.url_matches as string).test(u))
  return false
}

function containsRun(items: readonly string[], run: readonly string[]): boolean {
  outer: for (let i = 0; i + run.length <= items.length; i++) {
    for (let j = 0; j < run.length; j++) if (items[i + j] !== run[j]) continue outer
    return true
  }
  return false
}

/**
 * Classifies one session, or every session of one source address taken together, against the
 * family rules (data/honeypot/families.yaml). Deterministic: the same sessions give the same verdict.
 */
export function classifyFamily(
  sessions: readonly SessionEvidence[],
  rules: FamilyRules = loadFamilyRules(),
): FamilyVerdict {
  const p = prepare(sessions)
  const scores: Record<string, number> = {}
  let best: FamilyVerdict | undefined
  for (const rule of rules.families) {
    const matched = rule.features.filter((f) => holds(f, p))
    const score = Math.min(1, round(matched.reduce((sum, f) => sum + f.weight, 0)))
    scores[rule.family] = score
    if (score < rule.threshold || (best && best.confidence >= score)) continue
    const variant = rule.variant_from
      ? p.commands.map((c) => re(rule.variant_from as string).exec(c)?.[1]).find((v) => v !== undefined)
      : undefined
    best = {
      family: rule.family,
      ...(variant ? { variant } : {}),
      confidence: score,
      features: matched.map((f) => ({ id: f.id, description: f.description, weight: f.weight })),
      scores,
    }
  }
  if (best) return best
  const top = Math.max(0, ...Object.values(scores))
  return { family: 'unknown', confidence: round(1 - top), features: [], scores }
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000
}

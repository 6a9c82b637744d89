import type { FingerprintCandidate } from '../core/record.js'
import { applyRule } from './apply-rule.js'
import { maxInputLength, recogText } from './match-keys.js'
import type { Rule } from './rule.js'
import { certainty, specificity } from './to-fingerprint.js'

/** A rule that matched, with what it set: one entry of `fingerprint.candidates`. */
export interface Match {
  rule: Rule
  fields: Record<string, string>
  specificity: number
  confidence: number
}

const ENGINE_ORDER = { mamori: 0, nmap: 1, recog: 2 } as const

/**
 * The one rule of precedence: a candidate with certainty 0 never wins; then the most specific
 * (most identifying fields) wins; then the higher preference; then mamori's own rules before
 * nmap's before Recog's; then the earlier rule.
 */
export function compareMatches(a: Match, b: Match): number {
  return (
    Number(b.confidence > 0) - Number(a.confidence > 0) ||
    b.specificity - a.specificity ||
    b.rule.preference - a.rule.preference ||
    ENGINE_ORDER[a.rule.engine] - ENGINE_ORDER[b.rule.engine] ||
    a.rule.source.line - b.rule.source.line
  )
}

interface KeyIndex {
  /** Rules with no required literal: always tried. */
  always: Rule[]
  /** Rules by the first three characters of their longest literal (the prefilter). */
  byGram: Map<string, Rule[]>
  folded: boolean
}

const GRAM = 3

/**
 * Rules indexed per observation key with a literal prefilter: a rule is only run when the text
 * contains its longest required literal, found by looking up every 3-gram of the text once.
 */
export class RuleSet {
  readonly rules: readonly Rule[]
  private readonly index = new Map<string, KeyIndex>()

  constructor(rules: readonly Rule[], options: { prefilter?: boolean } = {}) {
    this.rules = rules
    const prefilter = options.prefilter ?? true
    for (const rule of rules) {
      let idx = this.index.get(rule.matchKey)
      if (!idx) {
        idx = { always: [], byGram: new Map(), folded: false }
        this.index.set(rule.matchKey, idx)
      }
      const literal = longest(rule.literals)
      if (!prefilter || literal.length < GRAM) {
        idx.always.push(rule)
        continue
      }
      // index on lower-cased grams so one pass over the lower-cased text serves every rule
      const gram = literal.slice(0, GRAM).toLowerCase()
      const list = idx.byGram.get(gram)
      if (list) list.push(rule)
      else idx.byGram.set(gram, [rule])
    }
  }

  /** Every rule of `key` that matches `value`, best first. */
  match(key: string, value: string): Match[] {
    const idx = this.index.get(key)
    if (!idx) return []
    const text = recogText(key, value).slice(0, maxInputLength(key))
    const out: Match[] = []
    const tryRule = (rule: Rule) => {
      const fields = applyRule(rule, rule.engine === 'recog' ? text : value.slice(0, maxInputLength(key)))
      if (fields)
        out.push({
          rule,
          fields,
          specificity: specificity(fields),
          confidence: certainty(fields) * rule.preference,
        })
    }
    for (const rule of idx.always) tryRule(rule)
    if (idx.byGram.size > 0) {
      const lower = text.toLowerCase()
      const lowerRaw = text === value ? lower : value.toLowerCase()
      const seen = new Set<string>()
      for (const source of lower === lowerRaw ? [lower] : [lower, lowerRaw]) {
        for (let i = 0; i + GRAM <= source.length; i++) {
          const gram = source.slice(i, i + GRAM)
          if (seen.has(gram)) continue
          seen.add(gram)
          const rules = idx.byGram.get(gram)
          if (rules) for (const rule of rules) tryRule(rule)
        }
      }
    }
    return out.sort(compareMatches)
  }
}

function longest(literals: readonly string[]): string {
  let best = ''
  for (const l of literals) if (l.length > best.length) best = l
  return best
}

/** A match as it is kept in the record for `fingerprint explain`. */
export function toCandidate(m: Match): FingerprintCandidate {
  return {
    engine: m.rule.engine,
    rule: m.rule.id,
    matchKey: m.rule.matchKey,
    fields: m.fields,
    confidence: Number(m.confidence.toFixed(3)),
  }
}

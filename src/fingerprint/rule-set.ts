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

interface Indexed {
  rule: Rule
  /** Lower-cased literals the text must contain before the regex runs. */
  needles: readonly string[]
  /** The match() call that last tried this rule (dedupes without a per-call set). */
  stamp: number
}

interface KeyIndex {
  /** Rules with no literal at all: always tried. */
  always: Rule[]
  /** Rules under the rarest gram (3 characters, fewer for short literals) of their literals. */
  byGram: Map<number, Indexed[]>
  /** The gram lengths in use, longest first. */
  lengths: number[]
}

const GRAM = 3

/**
 * A gram as a small integer (no allocation on the hot path): the low byte of each character, the
 * length in the high bits. Characters past Latin-1 may collide; the needle check sorts them out.
 */
function gramKey(text: string, at: number, size: number): number {
  const a = text.charCodeAt(at) & 0xff
  if (size === 1) return (1 << 26) | a
  const b = text.charCodeAt(at + 1) & 0xff
  if (size === 2) return (1 << 25) | (a << 8) | b
  return (a << 16) | (b << 8) | (text.charCodeAt(at + 2) & 0xff)
}

/** Runs one rule; Recog's rules read the Recog view of the text. */
function tryRule(rule: Rule, raw: string, recog: string, out: Match[]): void {
  const fields = applyRule(rule, rule.engine === 'recog' ? recog : raw)
  if (fields)
    out.push({
      rule,
      fields,
      specificity: specificity(fields),
      confidence: certainty(fields) * rule.preference,
    })
}

function containsAll(text: string, needles: readonly string[]): boolean {
  for (const n of needles) if (!text.includes(n)) return false
  return true
}

/** The distinct lower-cased grams of a rule's literals: 3-grams, or shorter when no literal is that long. */
function gramsOf(literals: readonly string[]): Set<string> {
  const grams = new Set<string>()
  const size = Math.min(GRAM, Math.max(0, ...literals.map((l) => l.length)))
  if (size === 0) return grams
  for (const l of literals) {
    const lower = l.toLowerCase()
    for (let i = 0; i + size <= lower.length; i++) grams.add(lower.slice(i, i + size))
  }
  return grams
}

/**
 * Rules indexed per observation key with a literal prefilter: each rule sits under the rarest
 * 3-gram of the literals its pattern requires, so a text only runs the rules whose gram it
 * contains and whose literals it holds, found by looking up each of its 3-grams once.
 */
export class RuleSet {
  readonly rules: readonly Rule[]
  private readonly index = new Map<string, KeyIndex>()
  private calls = 0

  constructor(rules: readonly Rule[], options: { prefilter?: boolean } = {}) {
    this.rules = rules
    const prefilter = options.prefilter ?? true
    const byKey = new Map<string, Rule[]>()
    for (const rule of rules) {
      const list = byKey.get(rule.matchKey)
      if (list) list.push(rule)
      else byKey.set(rule.matchKey, [rule])
    }
    for (const [key, list] of byKey) {
      const idx: KeyIndex = { always: [], byGram: new Map(), lengths: [] }
      this.index.set(key, idx)
      const grams = list.map((r) => (prefilter ? gramsOf(r.literals) : new Set<string>()))
      const frequency = new Map<string, number>()
      for (const g of grams) for (const gram of g) frequency.set(gram, (frequency.get(gram) ?? 0) + 1)
      list.forEach((rule, i) => {
        let best: string | undefined
        for (const gram of grams[i] as Set<string>) {
          if (best === undefined || (frequency.get(gram) ?? 0) < (frequency.get(best) ?? 0)) best = gram
        }
        if (best === undefined) {
          idx.always.push(rule)
          return
        }
        const entry = {
          rule,
          needles: rule.literals.filter((l) => l.length >= 2).map((l) => l.toLowerCase()),
          stamp: 0,
        }
        if (!idx.lengths.includes(best.length)) idx.lengths.push(best.length)
        const key = gramKey(best, 0, best.length)
        const bucket = idx.byGram.get(key)
        if (bucket) bucket.push(entry)
        else idx.byGram.set(key, [entry])
      })
      idx.lengths.sort((a, b) => b - a)
    }
  }

  /** Every rule of `key` that matches `value`, best first. */
  match(key: string, value: string): Match[] {
    const idx = this.index.get(key)
    if (!idx) return []
    const limit = maxInputLength(key)
    const raw = value.length > limit ? value.slice(0, limit) : value
    const recog = recogText(key, raw)
    const out: Match[] = []
    for (const rule of idx.always) tryRule(rule, raw, recog, out)
    if (idx.byGram.size > 0) {
      // the Recog view of a text is a suffix of the raw text: the raw text's grams cover both
      const lower = raw.toLowerCase()
      const stamp = ++this.calls
      for (const size of idx.lengths) {
        for (let i = 0; i + size <= lower.length; i++) {
          const bucket = idx.byGram.get(gramKey(lower, i, size))
          if (!bucket) continue
          for (const entry of bucket) {
            if (entry.stamp === stamp) continue
            entry.stamp = stamp
            if (containsAll(lower, entry.needles)) tryRule(entry.rule, raw, recog, out)
          }
        }
      }
    }
    return out.length > 1 ? out.sort(compareMatches) : out
  }
}

/** A match as it is kept in the record for `fingerprint explain`. */
export function toCandidate(m: Match): FingerprintCandidate {
  return {
    engine: m.rule.engine,
    rule: m.rule.id,
    matchKey: m.rule.matchKey,
    fields: m.fields,
    confidence: Math.round(m.confidence * 1000) / 1000,
  }
}

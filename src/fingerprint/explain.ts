import type { Observation, ScanRecord } from '../core/record.js'
import type { FingerprintEngine } from './fingerprint-engine.js'
import { observationsOf } from './fingerprint-enricher.js'
import { recogText } from './match-keys.js'

/** One line of `mamori fingerprint explain`: a rule that matched, and why. */
export interface Explanation {
  winner: boolean
  engine: string
  rule: string
  source: string
  description: string
  matchKey: string
  /** The observed text the pattern matched (cut to 200 characters). */
  text: string
  /** The part of the text the pattern matched. */
  matched: string
  pattern: string
  fields: Record<string, string>
  specificity: number
  confidence: number
}

/** Every rule that matches a record's observations, best first, with the text each matched. */
export function explainRecord(
  engine: FingerprintEngine,
  record: ScanRecord,
): { observations: Observation[]; explanations: Explanation[] } {
  const observations = observationsOf(record)
  const matches = engine.candidates(observations)
  const explanations = matches.map((m, i) => {
    const value = observations.find((o) => o.key === m.rule.matchKey)?.value ?? ''
    const text = m.rule.engine === 'recog' ? recogText(m.rule.matchKey, value) : value
    return {
      winner: i === 0 && m.confidence > 0,
      engine: m.rule.engine,
      rule: m.rule.id,
      source: `${m.rule.source.file.split('/').pop()}:${m.rule.source.line}`,
      description: m.rule.description,
      matchKey: m.rule.matchKey,
      text: text.slice(0, 200),
      matched: (m.rule.regex.exec(text)?.[0] ?? '').slice(0, 200),
      pattern: m.rule.regex.source,
      fields: m.fields,
      specificity: m.specificity,
      confidence: m.confidence,
    }
  })
  return { observations, explanations }
}

/** Which rule database a rule came from. */
type EngineName = 'mamori' | 'recog' | 'nmap'

/** A field a rule sets: a constant (`pos` 0, may interpolate `{other.field}`) or a capture group. */
export interface RuleParam {
  name: string
  /** 0 = the constant `value`; N = the pattern's capture group N. */
  pos: number
  value?: string
}

/** A banner a rule must match, with the fields it must yield (a self-test). */
export interface RuleExample {
  text: string
  expect: Record<string, string>
}

/** Where a rule was written, for errors and `fingerprint explain`. */
interface RuleSource {
  file: string
  line: number
}

/**
 * One compiled fingerprint rule, whatever engine's file it came from: a JS regex over the value
 * of one observation key, and the fields a match sets.
 */
export interface Rule {
  engine: EngineName
  id: string
  /** The observation key the rule reads (`telnet.banner`, `http.server`, ...). */
  matchKey: string
  description: string
  regex: RegExp
  /** groupMap[n] = JS group of the pattern's group n (translation may add groups). */
  groupMap: readonly number[]
  params: readonly RuleParam[]
  /** 0..1, higher wins between rules of equal specificity (Recog's database preference). */
  preference: number
  source: RuleSource
  examples: readonly RuleExample[]
  /** Builds the fields from the match instead of `params` (nmap's version templates). */
  build?: (match: RegExpExecArray) => Record<string, string>
  /** Strings a match must contain (lower-cased when the regex ignores case): the prefilter's keys. */
  literals: readonly string[]
}

/** A problem found while loading rules: never thrown one by one, always collected. */
export interface LoadProblem {
  file: string
  line: number
  /** The rule's id or pattern, when the problem is about one rule. */
  rule?: string
  message: string
}

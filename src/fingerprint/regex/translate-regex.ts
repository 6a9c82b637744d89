import { nestedQuantifier } from './backtracking-check.js'
import { emitJs } from './emit-js.js'
import { parseRegex } from './parse-regex.js'
import { type RegexDialect, type RegexOptions, RegexTranslationError } from './regex-syntax.js'
import { requiredLiterals } from './required-literals.js'

/** A pattern translated to JavaScript, with what the prefilter and the rule linter need to know. */
export interface TranslatedRegex {
  source: string
  flags: string
  /** groupMap[n] = the JS group number of the pattern's capture group n (groupMap[0] = 0). */
  groupMap: number[]
  /** The pattern's own capture groups. */
  groupCount: number
  /**
   * Substrings every match contains, in pattern order (lower-cased when any part of the pattern
   * ignores case): the prefilter's keys.
   */
  literals: string[]
  /** Whether `literals` are lower-cased (compare them with lower-cased text). */
  literalsFolded: boolean
  /**
   * Why the pattern may backtrack catastrophically (an unbounded quantifier over a group that
   * itself contains one), or undefined.
   */
  nestedQuantifier?: string
}

/**
 * Translates a Ruby (Onigmo, Recog) or PCRE (nmap) regex into a JavaScript RegExp with the same
 * meaning, or says precisely why it cannot: parsed to a syntax tree (parse-regex.ts), emitted as
 * JS (emit-js.ts), with the literals every match contains (required-literals.ts) and a check for
 * catastrophic backtracking (backtracking-check.ts).
 *
 * Semantics are rewritten explicitly instead of leaning on JS flags, because the engines disagree
 * in small ways that matter on banners (see parse-regex.ts); atomic groups and possessive
 * quantifiers become `(?=(X))\N`, which adds capture groups, so the result maps every original
 * group number to its JS number. Throws RegexTranslationError for what JS cannot express.
 */
export function translateRegex(
  pattern: string,
  dialect: RegexDialect,
  options: RegexOptions = {},
): TranslatedRegex {
  const parsed = parseRegex(pattern, dialect, options)
  const { source, groupMap } = emitJs(parsed.tree)
  const flags = parsed.ignoreCaseFlag ? 'i' : ''
  const folded = parsed.foldLiterals
  const result: TranslatedRegex = {
    source,
    flags,
    groupMap,
    groupCount: groupMap.length - 1,
    literals: requiredLiterals(parsed.tree).map((l) => (folded ? l.toLowerCase() : l)),
    literalsFolded: folded,
  }
  const nested = nestedQuantifier(parsed.tree)
  if (nested) result.nestedQuantifier = nested
  try {
    new RegExp(source, flags)
  } catch (err) {
    throw new RegexTranslationError(`JavaScript rejects the translation: ${(err as Error).message}`, 0)
  }
  return result
}

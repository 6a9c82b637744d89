/**
 * The syntax tree a Ruby (Onigmo, Recog) or PCRE (nmap) pattern is parsed into (parse-regex.ts).
 * Leaves are already in their JavaScript spelling under the dialect and the case/dot-all scope in
 * force where they stand; the tree keeps what the emitter (emit-js.ts), the required-literal
 * extraction (required-literals.ts) and the backtracking check (backtracking-check.ts) need.
 */

export type RegexDialect = 'ruby' | 'pcre'

export interface RegexOptions {
  ignoreCase?: boolean
  /** `.` matches newlines (Ruby's `m`, PCRE's `s`). */
  dotAll?: boolean
}

export class RegexTranslationError extends Error {
  constructor(
    message: string,
    readonly index: number,
  ) {
    super(`${message} at offset ${index}`)
    this.name = 'RegexTranslationError'
  }
}

export type RegexNode =
  | Sequence
  | Alternation
  | Char
  | Assertion
  | Group
  | Backref
  | NamedBackref
  | Repeat
  | Inert

/** Nodes one after another. */
export interface Sequence {
  type: 'sequence'
  items: RegexNode[]
}

/** `a|b|c`: branches of a group (or of the whole pattern). */
export interface Alternation {
  type: 'alternation'
  branches: Sequence[]
}

/**
 * An atom that consumes one character (a literal, a class, `.`, `\d`; also `\R`): its JS spelling,
 * and the character when it stands for exactly one (`a`, `\.`, `\x41`), for the literal prefilter.
 */
interface Char {
  type: 'char'
  js: string
  literal?: string
}

/** A zero-width assertion (`^`, `$`, `\b`, `\A` …) in its JS spelling. */
interface Assertion {
  type: 'assertion'
  js: string
}

export type GroupKind =
  | 'capture'
  | 'named'
  | 'plain'
  | 'lookahead'
  | 'negative-lookahead'
  | 'lookbehind'
  | 'negative-lookbehind'
  /** `(?>...)`: JS has none; emitted as a lookahead whose capture is then consumed. */
  | 'atomic'

export interface Group {
  type: 'group'
  kind: GroupKind
  /** For `named` groups. */
  name?: string
  body: Sequence | Alternation
}

/** `\1`, `\g{2}`, `\g{-1}`: a capture group of the pattern, by its number in the pattern. */
interface Backref {
  type: 'backref'
  group: number
}

interface NamedBackref {
  type: 'named-backref'
  name: string
}

interface Repeat {
  type: 'repeat'
  body: RegexNode
  min: number
  max: number
  /** The quantifier in JS spelling (`*`, `+`, `?`, `{2,5}`), without its mode. */
  quantifier: string
  mode: 'greedy' | 'lazy' | 'possessive'
  /** Offset in the pattern just past the quantifier (for messages). */
  end: number
}

/** A mode modifier `(?i)` or a comment `(?#...)`: matches nothing and emits nothing. */
interface Inert {
  type: 'inert'
}

/** JS spelling of "any character" and of "any character but a newline". */
export const ANY = '[\\s\\S]'
export const NOT_NEWLINE = '[^\\n]'

/** What parsing a pattern gives: the tree and what the rest of the translation needs to know. */
export interface ParsedRegex {
  tree: Sequence | Alternation
  /** The pattern is case-insensitive throughout: JS's `i` flag is used, leaves are not case-expanded. */
  ignoreCaseFlag: boolean
  /** Some part of the pattern ignores case: required literals are compared lower-cased. */
  foldLiterals: boolean
}

/**
 * Translates a Ruby (Onigmo, Recog) or PCRE (nmap) regex into a JavaScript RegExp with the same
 * meaning, or says precisely why it cannot.
 *
 * Semantics are rewritten explicitly instead of leaning on JS flags, because the engines disagree
 * in small ways that matter on banners: Ruby's `^`/`$` are always line anchors and its `.` matches
 * `\r` (JS's does not); PCRE's `$` also matches before a final newline; `\h` is a hex digit in Ruby
 * and horizontal space in PCRE; scoped `(?i:...)` and atomic/possessive forms do not exist in
 * Node 20. Atomic groups and possessive quantifiers become `(?=(X))\N`, which adds capture groups,
 * so the result maps every original group number to its JS number.
 */

export type RegexDialect = 'ruby' | 'pcre'

export interface RegexOptions {
  ignoreCase?: boolean
  /** `.` matches newlines (Ruby's `m`, PCRE's `s`). */
  dotAll?: boolean
}

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

export class RegexTranslationError extends Error {
  constructor(
    message: string,
    readonly index: number,
  ) {
    super(`${message} at offset ${index}`)
    this.name = 'RegexTranslationError'
  }
}

interface Scope {
  ignoreCase: boolean
  dotAll: boolean
}

interface Group {
  /** Output offset where this group's text starts (its opening parenthesis). */
  outStart: number
  /** Closing text to emit. */
  close: string
  scope: Scope
  /** The scope outside the group, restored when it closes (unless it is a bare modifier). */
  outerScope: Scope
  /** Whether a `|` directly in this group. */
  alternation: boolean
  /** JS groups allocated before this group opened. */
  groupBase: number
  shape: Shape
  lits: Literals
}

/** Required literal runs of one sequence; `runs` is undefined once the sequence has a `|`. */
interface Literals {
  runs: string[] | undefined
  run: string
}

/** What the ReDoS check needs to know about a sequence: its one-character atoms. */
interface Shape {
  /** Every one-character atom inside (recursively). */
  all: string[]
  /** One-character atoms under an unbounded quantifier inside (recursively). */
  unbounded: string[]
  /** One-character atoms every match of this sequence must consume; undefined after a `|`. */
  mandatory: string[] | undefined
}

function emptyShape(): Shape {
  return { all: [], unbounded: [], mandatory: [] }
}

const POSIX_CLASSES: Record<string, string> = {
  alpha: 'a-zA-Z',
  digit: '0-9',
  alnum: 'a-zA-Z0-9',
  upper: 'A-Z',
  lower: 'a-z',
  space: ' \\t\\n\\r\\f\\v',
  blank: ' \\t',
  punct: '!-\\/:-@\\[-`{-~',
  xdigit: '0-9A-Fa-f',
  print: ' -~',
  graph: '!-~',
  cntrl: '\\x00-\\x1f\\x7f',
  word: '\\w',
  ascii: '\\x00-\\x7f',
}

const ANY = '[\\s\\S]'
const NOT_NEWLINE = '[^\\n]'

/** Translates `pattern`; throws RegexTranslationError for what JS cannot express. */
export function translateRegex(
  pattern: string,
  dialect: RegexDialect,
  options: RegexOptions = {},
): TranslatedRegex {
  return new Translator(pattern, dialect, options).run()
}

class Translator {
  private i = 0
  private out = ''
  private readonly groups: Group[] = []
  private scope: Scope
  private readonly groupMap: number[] = [0]
  private jsGroups = 0
  /** Start offset in `out` of the last quantifiable atom, or -1. */
  private atomStart = -1
  /** JS groups allocated before the last atom started. */
  private atomGroupBase = 0
  /** The top-level sequence's shape (groups keep their own). */
  private readonly topShape = emptyShape()
  /** The last atom's shape when it was a group, and how many mandatory atoms it lent its parent. */
  private atomShape: Shape | undefined
  private atomLent = 0
  private readonly topLits: Literals = { runs: [], run: '' }
  private lastWasLiteral = false
  /** How many literal runs the last atom (a group) lent its parent sequence. */
  private litLent = 0
  private nested: string | undefined
  /** Whether any part of the pattern is case-insensitive, and whether all of it is. */
  private readonly useIgnoreCaseFlag: boolean

  constructor(
    private readonly pattern: string,
    private readonly dialect: RegexDialect,
    options: RegexOptions,
  ) {
    let ignoreCase = options.ignoreCase ?? false
    let dotAll = options.dotAll ?? false
    // a leading (?i) / (?m) / (?s) applies to the whole pattern: fold it into the options
    const lead = /^\(\?([imsx]+)\)/.exec(pattern)
    if (lead?.[1]) {
      for (const f of lead[1]) {
        if (f === 'i') ignoreCase = true
        else if (f === 's' || (f === 'm' && dialect === 'ruby')) dotAll = true
        else if (f === 'x') throw new RegexTranslationError('extended mode (?x) is not supported', 0)
        else if (f === 'm') throw new RegexTranslationError('PCRE multiline (?m) is not supported', 0)
      }
      this.i = lead[0].length
    }
    this.scope = { ignoreCase, dotAll }
    // A global `i` flag is only right when no part of the pattern turns it off.
    this.useIgnoreCaseFlag = ignoreCase && !/\(\?[a-z]*-[a-z]*i/.test(pattern)
  }

  run(): TranslatedRegex {
    const p = this.pattern
    while (this.i < p.length) {
      const c = p[this.i] as string
      switch (c) {
        case '\\':
          this.escape()
          break
        case '[':
          this.atom(() => this.charClass())
          break
        case '(':
          this.openGroup()
          break
        case ')':
          this.closeGroup()
          break
        case '|':
          this.i++
          this.out += '|'
          if (this.groups.length > 0) (this.groups.at(-1) as Group).alternation = true
          this.shape().mandatory = undefined
          this.lits().runs = undefined
          this.atomStart = -1
          break
        case '*':
        case '+':
        case '?':
          this.quantifier()
          break
        case '{':
          if (this.isBraceQuantifier()) this.quantifier()
          else {
            this.i++
            this.atom(() => this.literal('{'))
          }
          break
        case '.':
          this.i++
          this.atom(() => this.emit(this.scope.dotAll ? ANY : NOT_NEWLINE))
          break
        case '^':
          this.i++
          this.emitAssertion(this.dialect === 'ruby' ? '(?<![^\\n])' : '^')
          break
        case '$':
          this.i++
          this.emitAssertion(this.dialect === 'ruby' ? '(?![^\\n])' : '(?=\\n?$)')
          break
        default:
          this.i++
          this.atom(() => this.literal(c))
      }
    }
    if (this.groups.length > 0) throw new RegexTranslationError('unterminated group', p.length)
    const flags = this.useIgnoreCaseFlag ? 'i' : ''
    this.endRun()
    this.litLent = 0
    const folded = this.scope.ignoreCase || /\(\?[a-z]*i/.test(this.pattern)
    const literals = (this.topLits.runs ?? []).map((l) => (folded ? l.toLowerCase() : l))
    const result: TranslatedRegex = {
      source: this.out,
      flags,
      groupMap: this.groupMap,
      groupCount: this.groupMap.length - 1,
      literals,
      literalsFolded: folded,
    }
    if (this.nested) result.nestedQuantifier = this.nested
    try {
      new RegExp(result.source, flags)
    } catch (err) {
      throw new RegexTranslationError(`JavaScript rejects the translation: ${(err as Error).message}`, 0)
    }
    return result
  }

  private emit(text: string): void {
    this.out += text
  }

  private emitAssertion(text: string): void {
    this.out += text
    this.atomStart = -1
    this.endRun()
  }

  private atom(write: () => void, oneChar = true): void {
    const start = this.out.length
    const base = this.jsGroups
    this.lastWasLiteral = false
    this.litLent = 0
    write()
    if (!this.lastWasLiteral) this.endRun()
    this.atomStart = start
    this.atomGroupBase = base
    const text = oneChar ? this.out.slice(start) : ANY
    const shape = this.shape()
    shape.all.push(text)
    shape.mandatory?.push(text)
    this.atomShape = undefined
    this.atomLent = 1
  }

  /** A literal character, case-expanded when only this scope is case-insensitive. */
  private literal(c: string): void {
    this.out += this.caseExpand(c) ?? escapeLiteral(c)
    this.noteLiteral(c)
  }

  /** Called right after atom(): the atom just written is the literal character `c`. */
  private noteLiteral(c: string): void {
    this.lits().run += c
    this.lastWasLiteral = true
  }

  private lits(): Literals {
    return this.groups.at(-1)?.lits ?? this.topLits
  }

  private endRun(): void {
    const lits = this.lits()
    if (lits.run && lits.runs) lits.runs.push(lits.run)
    lits.run = ''
  }

  private caseExpand(c: string): string | undefined {
    if (!this.scope.ignoreCase || this.useIgnoreCaseFlag) return undefined
    const lo = c.toLowerCase()
    const up = c.toUpperCase()
    return lo !== up && lo.length === 1 && up.length === 1 ? `[${lo}${up}]` : undefined
  }

  private escape(): void {
    const p = this.pattern
    const next = p[this.i + 1]
    if (next === undefined) throw new RegexTranslationError('trailing backslash', this.i)
    this.i += 2
    switch (next) {
      case 'A':
        this.emitAssertion('^')
        return
      case 'z':
        this.emitAssertion('$')
        return
      case 'Z':
        this.emitAssertion('(?=\\n?$)')
        return
      case 'b':
      case 'B':
        this.emitAssertion(`\\${next}`)
        return
      case 'G':
        throw new RegexTranslationError('\\G (continue anchor) has no JavaScript equivalent', this.i - 2)
      case 'K':
        throw new RegexTranslationError('\\K (keep out) has no JavaScript equivalent', this.i - 2)
      case 'Q':
        this.quoted()
        return
      case 'E':
        return // a stray \E ends nothing
      case 'g':
      case 'k':
        this.namedOrRelativeBackref(next)
        return
    }
    if (next >= '1' && next <= '9') {
      this.backref(next)
      return
    }
    this.atom(() => {
      const text = this.escapeAtom(next, false)
      this.emit(text)
      const c = literalOf(text)
      if (c !== undefined) this.noteLiteral(c)
    })
  }

  /** Translates one escape (after the backslash) that stands for characters. */
  private escapeAtom(next: string, inClass: boolean): string {
    const p = this.pattern
    switch (next) {
      case 'd':
      case 'D':
      case 'w':
      case 'W':
      case 's':
      case 'S':
        return `\\${next}`
      case 'h':
        if (this.dialect === 'ruby') return inClass ? '0-9a-fA-F' : '[0-9a-fA-F]'
        return inClass ? ' \\t\\xa0' : '[ \\t\\xa0]'
      case 'H':
        if (this.dialect === 'ruby') {
          if (inClass) throw new RegexTranslationError('\\H inside a class', this.i - 2)
          return '[^0-9a-fA-F]'
        }
        if (inClass) throw new RegexTranslationError('\\H inside a class', this.i - 2)
        return '[^ \\t\\xa0]'
      case 'R':
        if (inClass) throw new RegexTranslationError('\\R inside a class', this.i - 2)
        return '(?:\\r\\n|[\\n\\v\\f\\r\\x85])'
      case 'n':
      case 'r':
      case 't':
      case 'f':
      case 'v':
        return `\\${next}`
      case 'a':
        return '\\x07'
      case 'e':
        return '\\x1b'
      case '0': {
        // PCRE/Ruby octal: \0 followed by up to two octal digits
        let digits = ''
        while (digits.length < 2 && /[0-7]/.test(p[this.i] ?? '')) digits += p[this.i++]
        return hexEscape(Number.parseInt(digits || '0', 8))
      }
      case 'x': {
        if (p[this.i] === '{') {
          const end = p.indexOf('}', this.i)
          const hex = p.slice(this.i + 1, end)
          if (end < 0 || !/^[0-9a-fA-F]{1,4}$/.test(hex))
            throw new RegexTranslationError('bad \\x{...} escape', this.i - 2)
          this.i = end + 1
          return hexEscape(Number.parseInt(hex, 16))
        }
        let hex = ''
        while (hex.length < 2 && /[0-9a-fA-F]/.test(p[this.i] ?? '')) hex += p[this.i++]
        if (!hex) throw new RegexTranslationError('bad \\x escape', this.i - 2)
        return hexEscape(Number.parseInt(hex, 16))
      }
      case 'c': {
        const ch = p[this.i++]
        if (!ch || !/[A-Za-z]/.test(ch)) throw new RegexTranslationError('bad \\c escape', this.i - 3)
        return `\\c${ch}`
      }
      case 'p':
      case 'P':
        throw new RegexTranslationError('Unicode property escapes are not supported', this.i - 2)
      default:
        if (/[A-Za-z]/.test(next)) throw new RegexTranslationError(`unknown escape \\${next}`, this.i - 2)
        if (/[0-9]/.test(next)) {
          if (inClass && /[1-7]/.test(next)) {
            let digits = next
            while (digits.length < 3 && /[0-7]/.test(p[this.i] ?? '')) digits += p[this.i++]
            return hexEscape(Number.parseInt(digits, 8))
          }
          throw new RegexTranslationError(`bad escape \\${next}`, this.i - 2)
        }
        // an escaped punctuation or other character stands for itself
        if (inClass) return `\\${next}`
        return this.caseExpand(next) ?? escapeLiteral(next)
    }
  }

  private backref(first: string): void {
    let digits = first
    while (/[0-9]/.test(this.pattern[this.i] ?? '')) {
      const more = digits + this.pattern[this.i]
      if (Number(more) > this.groupMap.length - 1 && Number(digits) <= this.groupMap.length - 1) break
      digits = more
      this.i++
    }
    const n = Number(digits)
    if (n > 9 && n >= this.groupMap.length) {
      // PCRE: a number past the groups defined so far is an octal escape
      this.atom(() => this.emit(hexEscape(Number.parseInt(digits, 8) & 0xff)))
      return
    }
    const mapped = this.groupMap[n]
    // a forward reference: keep the number, shifted by the extra groups emitted so far
    const target = mapped ?? n + (this.jsGroups - (this.groupMap.length - 1))
    this.atom(() => this.emit(`(?:\\${target})`), false)
  }

  private namedOrRelativeBackref(kind: string): void {
    const p = this.pattern
    const open = p[this.i]
    const close = open === '<' ? '>' : open === '{' ? '}' : open === "'" ? "'" : undefined
    if (kind === 'g' && close === undefined && /[0-9]/.test(open ?? '')) {
      this.i++
      this.backref(open as string)
      return
    }
    if (!close) throw new RegexTranslationError(`bad \\${kind} reference`, this.i - 2)
    const end = p.indexOf(close, this.i + 1)
    if (end < 0) throw new RegexTranslationError(`unterminated \\${kind} reference`, this.i - 2)
    const ref = p.slice(this.i + 1, end)
    this.i = end + 1
    if (kind === 'g' && open !== '{')
      throw new RegexTranslationError('subexpression calls (\\g<...>) are not supported', this.i)
    if (/^-?[0-9]+$/.test(ref)) {
      const n = Number(ref) < 0 ? this.groupMap.length + Number(ref) : Number(ref)
      if (n < 1 || this.groupMap[n] === undefined)
        throw new RegexTranslationError(`reference to unknown group ${ref}`, this.i)
      this.atom(() => this.emit(`(?:\\${this.groupMap[n]})`), false)
      return
    }
    this.atom(() => this.emit(`\\k<${ref}>`), false)
  }

  private quoted(): void {
    const end = this.pattern.indexOf('\\E', this.i)
    const text = this.pattern.slice(this.i, end < 0 ? undefined : end)
    this.i = end < 0 ? this.pattern.length : end + 2
    for (const ch of text) this.atom(() => this.literal(ch))
  }

  private charClass(): void {
    const p = this.pattern
    const start = this.i
    this.i++
    let body = ''
    let negate = false
    if (p[this.i] === '^') {
      negate = true
      this.i++
    }
    let first = true
    for (;;) {
      const c = p[this.i]
      if (c === undefined) throw new RegexTranslationError('unterminated character class', start)
      if (c === ']' && !first) {
        this.i++
        break
      }
      first = false
      if (c === '[' && p[this.i + 1] === ':') {
        const end = p.indexOf(':]', this.i + 2)
        const name = end < 0 ? '' : p.slice(this.i + 2, end)
        const neg = name.startsWith('^')
        const set = POSIX_CLASSES[neg ? name.slice(1) : name]
        if (set === undefined || neg)
          throw new RegexTranslationError(`unsupported POSIX class [:${name}:]`, this.i)
        body += set
        this.i = end + 2
        continue
      }
      if (c === '[') {
        if (this.dialect === 'ruby') throw new RegexTranslationError('nested character class', this.i)
        body += '\\['
        this.i++
        continue
      }
      if (c === '&' && p[this.i + 1] === '&' && this.dialect === 'ruby')
        throw new RegexTranslationError('character class intersection (&&)', this.i)
      if (c === '\\') {
        const next = p[this.i + 1]
        if (next === undefined) throw new RegexTranslationError('trailing backslash', this.i)
        this.i += 2
        if (next === 'b') body += '\\x08'
        else body += this.escapeAtom(next, true)
        continue
      }
      body += escapeClassChar(c)
      this.i++
    }
    if (this.scope.ignoreCase && !this.useIgnoreCaseFlag) body += otherCase(body)
    this.emit(`[${negate ? '^' : ''}${body}]`)
  }

  private openGroup(): void {
    const p = this.pattern
    this.endRun()
    const start = this.out.length
    const outer = { ...this.scope }
    const group: Group = {
      outStart: start,
      close: ')',
      scope: { ...this.scope },
      outerScope: outer,
      alternation: false,
      groupBase: this.jsGroups,
      shape: emptyShape(),
      lits: { runs: [], run: '' },
    }
    if (p[this.i + 1] !== '?') {
      this.i++
      this.jsGroups++
      this.groupMap.push(this.jsGroups)
      this.out += '('
    } else {
      const rest = p.slice(this.i + 2)
      const mod = /^([imsx]*)(?:-([imsx]*))?([:)])/.exec(rest)
      if (rest.startsWith(':') || rest.startsWith('=') || rest.startsWith('!')) {
        this.out += `(?${rest[0]}`
        this.i += 3
      } else if (rest.startsWith('<=') || rest.startsWith('<!')) {
        this.out += `(?${rest.slice(0, 2)}`
        this.i += 4
      } else if (rest.startsWith('>')) {
        // atomic group: a lookahead cannot be backtracked into; its capture is then consumed
        this.i += 3
        this.jsGroups++
        const n = this.jsGroups
        this.out += '(?=('
        group.close = `))(?:\\${n})`
      } else if (rest.startsWith('#')) {
        const end = p.indexOf(')', this.i)
        if (end < 0) throw new RegexTranslationError('unterminated comment', this.i)
        this.i = end + 1
        return
      } else if (/^(?:P?<[A-Za-z_]\w*>|'[A-Za-z_]\w*')/.test(rest)) {
        const named = /^P?(?:<([A-Za-z_]\w*)>|'([A-Za-z_]\w*)')/.exec(rest) as RegExpExecArray
        const name = named[1] ?? named[2]
        this.i += 2 + named[0].length
        this.jsGroups++
        this.groupMap.push(this.jsGroups)
        this.out += `(?<${name}>`
      } else if (mod && (mod[1] || mod[2] !== undefined)) {
        this.i += 2 + mod[0].length
        const scope = { ...this.scope }
        this.applyModifiers(scope, mod[1] ?? '', mod[2] ?? '')
        if (mod[3] === ')') {
          // (?i) mid-pattern: applies until the end of the enclosing group
          this.scope = scope
          return
        }
        group.scope = scope
        this.out += '(?:'
      } else {
        throw new RegexTranslationError(`unsupported group syntax (?${rest.slice(0, 2)}`, this.i)
      }
    }
    this.scope = group.scope
    this.groups.push(group)
    this.atomStart = -1
  }

  private applyModifiers(scope: Scope, on: string, off: string): void {
    for (const [flags, value] of [
      [on, true],
      [off, false],
    ] as const) {
      for (const f of flags) {
        if (f === 'i') scope.ignoreCase = value
        else if (f === 's' || (f === 'm' && this.dialect === 'ruby')) scope.dotAll = value
        else if (f === 'x') throw new RegexTranslationError('extended mode (?x) is not supported', this.i)
        else if (f === 'm') throw new RegexTranslationError('PCRE multiline (?m) is not supported', this.i)
      }
    }
    if (!scope.ignoreCase && this.useIgnoreCaseFlag)
      throw new RegexTranslationError('turning case-insensitivity off inside the pattern', this.i)
  }

  private closeGroup(): void {
    if (this.groups.length > 0) this.endRun()
    const group = this.groups.pop()
    if (!group) throw new RegexTranslationError('unbalanced )', this.i)
    this.i++
    this.out += group.close
    this.scope = group.outerScope
    this.atomStart = group.outStart
    this.atomGroupBase = group.groupBase
    const parent = this.shape()
    const lookaround = /^\(\?<?[=!]/.test(this.out.slice(group.outStart, group.outStart + 4))
    if (!lookaround) {
      parent.all.push(...group.shape.all)
      parent.unbounded.push(...group.shape.unbounded)
      const lent = group.shape.mandatory ?? []
      parent.mandatory?.push(...lent)
      this.atomLent = lent.length
      // a group's required literals are its parent's too (unless a quantifier makes it optional)
      const runs = group.lits.runs ?? []
      this.lits().runs?.push(...runs)
      this.litLent = runs.length
    } else {
      this.atomLent = 0
      this.litLent = 0
    }
    this.lastWasLiteral = false
    this.atomShape = group.shape
  }

  private shape(): Shape {
    return this.groups.at(-1)?.shape ?? this.topShape
  }

  private isBraceQuantifier(): boolean {
    return /^\{(?:\d+(?:,\d*)?|,\d+)\}/.test(this.pattern.slice(this.i))
  }

  private quantifier(): void {
    const p = this.pattern
    const start = this.i
    let q: string
    let min: number
    let max: number
    if (p[this.i] === '{') {
      const m = /^\{(\d*)(,?)(\d*)\}/.exec(p.slice(this.i)) as RegExpExecArray
      this.i += m[0].length
      min = Number(m[1] || '0')
      max = m[2] !== ',' ? min : m[3] === '' ? Number.POSITIVE_INFINITY : Number(m[3])
      q = m[2] ? `{${min},${m[3]}}` : `{${min}}`
    } else {
      q = p[this.i] as string
      min = q === '+' ? 1 : 0
      max = q === '?' ? 1 : Number.POSITIVE_INFINITY
      this.i++
    }
    // past these bounds a repetition backtracks like an unbounded one
    const unbounded = max >= 16
    const repeats = max >= 5
    if (this.atomStart < 0) throw new RegexTranslationError('quantifier without a target', start)
    let mode = ''
    if (p[this.i] === '?') {
      mode = '?'
      this.i++
    } else if (p[this.i] === '+') {
      mode = '+'
      this.i++
    }
    if (this.lastWasLiteral) {
      // the quantified character is required only when min > 0, and only once
      if (min === 0) this.lits().run = this.lits().run.slice(0, -1)
      this.endRun()
      this.lastWasLiteral = false
    } else if (min === 0 && this.litLent > 0) {
      const runs = this.lits().runs
      if (runs) runs.length -= Math.min(this.litLent, runs.length)
    }
    this.litLent = 0
    const shape = this.shape()
    if (min === 0 && shape.mandatory)
      shape.mandatory.length -= Math.min(this.atomLent, shape.mandatory.length)
    const inner = this.atomShape
    if (repeats && inner && inner.unbounded.length > 0 && !this.nested && !separated(inner)) {
      this.nested = `nested unbounded quantifier ending at offset ${this.i}`
    }
    if (unbounded) {
      shape.unbounded.push(...(inner ? inner.all : [this.out.slice(this.atomStart)]))
    }
    const atom = this.out.slice(this.atomStart)
    if (mode === '+') {
      // possessive: match greedily once, never give back. The wrapping group opens before the
      // atom's own groups, so those move up by one.
      const n = this.atomGroupBase + 1
      for (let g = 1; g < this.groupMap.length; g++) {
        if ((this.groupMap[g] as number) >= n) this.groupMap[g] = (this.groupMap[g] as number) + 1
      }
      this.jsGroups++
      this.out = `${this.out.slice(0, this.atomStart)}(?=(${atom}${q}))(?:\\${n})`
    } else {
      this.out += q + mode
    }
    this.atomStart = -1
  }
}

/**
 * Whether each repetition of a group is pinned by a character no inner unbounded atom can eat
 * (`(?:\d+\.)*`, `(?:[^\r\n]+\r\n)*`): then iterations cannot be split two ways, and
 * backtracking stays polynomial.
 */
function separated(shape: Shape): boolean {
  if (!shape.mandatory || shape.unbounded.includes(ANY_ATOM)) return false
  const eaten = new Uint8Array(256)
  for (const atom of shape.unbounded) for (const c of charsOf(atom)) eaten[c] = 1
  return shape.mandatory.some((atom) => atom !== ANY_ATOM && charsOf(atom).every((c) => !eaten[c]))
}

const ANY_ATOM = ANY
const charSets = new Map<string, number[]>()

/** The Latin-1 characters a one-character atom matches (cached: few distinct atoms exist). */
function charsOf(atom: string): number[] {
  let set = charSets.get(atom)
  if (!set) {
    set = []
    let re: RegExp | undefined
    try {
      re = new RegExp(`^(?:${atom})$`, 'i')
    } catch {
      re = undefined
    }
    for (let c = 0; c < 256; c++) if (!re || re.test(String.fromCharCode(c))) set.push(c)
    charSets.set(atom, set)
  }
  return set
}

const CONTROL_ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', f: '\f', v: '\v' }

/** The character a translated one-character escape stands for, when it is a plain literal. */
function literalOf(text: string): string | undefined {
  if (/^\\x[0-9a-f]{2}$/.test(text)) return String.fromCharCode(Number.parseInt(text.slice(2), 16))
  if (/^\\[nrtfv]$/.test(text)) return CONTROL_ESCAPES[text[1] as string]
  if (/^\\[^\w]$/.test(text)) return text[1]
  if (/^[^\\[]$/.test(text)) return text
  return undefined
}

function hexEscape(code: number): string {
  return code <= 0xff
    ? `\\x${code.toString(16).padStart(2, '0')}`
    : `\\u${code.toString(16).padStart(4, '0')}`
}

function escapeLiteral(c: string): string {
  return /[\\^$.*+?()[\]{}|/]/.test(c) ? `\\${c}` : c
}

function escapeClassChar(c: string): string {
  return /[\\\]^[/]/.test(c) ? `\\${c}` : c
}

/** The other-case letters of a class body (simple ranges and single letters only). */
function otherCase(body: string): string {
  let extra = ''
  const re = /\\x[0-9a-f]{2}|\\.|(.)-(.)|./gs
  for (const m of body.matchAll(re)) {
    if (m[0].startsWith('\\')) continue
    if (m[1] !== undefined && m[2] !== undefined) {
      const lo = m[1].charCodeAt(0)
      const hi = m[2].charCodeAt(0)
      for (const [a, z] of [
        [97, 122],
        [65, 90],
      ] as const) {
        const from = Math.max(lo, a)
        const to = Math.min(hi, z)
        if (from <= to) {
          const shift = a === 97 ? -32 : 32
          extra += `${String.fromCharCode(from + shift)}-${String.fromCharCode(to + shift)}`
        }
      }
      continue
    }
    const c = m[0]
    const swapped = c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase()
    if (swapped !== c && swapped.length === 1) extra += swapped
  }
  return extra
}

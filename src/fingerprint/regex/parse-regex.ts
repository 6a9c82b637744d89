import {
  bothCases,
  escapeLiteral,
  hexEscape,
  type LeafCursor,
  literalOf,
  readClass,
  readEscape,
} from './regex-leaves.js'
import {
  type Alternation,
  ANY,
  type GroupKind,
  NOT_NEWLINE,
  type ParsedRegex,
  type RegexDialect,
  type RegexNode,
  type RegexOptions,
  RegexTranslationError,
  type Sequence,
} from './regex-syntax.js'

/**
 * Parses a Ruby or PCRE pattern into its syntax tree, spelling each leaf as JavaScript means it:
 * Ruby's `^`/`$` are always line anchors and its `.` matches `\r` (JS's does not); PCRE's `$` also
 * matches before a final newline; `\h` is a hex digit in Ruby and horizontal space in PCRE; a
 * scoped `(?i:...)` becomes case-expanded leaves. Throws RegexTranslationError, with the offset,
 * for what JS cannot express.
 */
export function parseRegex(pattern: string, dialect: RegexDialect, options: RegexOptions = {}): ParsedRegex {
  return new Parser(pattern, dialect, options).parse()
}

interface Scope {
  ignoreCase: boolean
  dotAll: boolean
}

/** A group being parsed (or the whole pattern): its finished branches and the one in progress. */
interface Frame {
  kind: GroupKind | 'top'
  name?: string
  /** The scope outside the group, restored when it closes. */
  outerScope: Scope
  branches: Sequence[]
  items: RegexNode[]
  /** Index in `items` of the node a quantifier would apply to, or -1. */
  lastAtom: number
}

class Parser implements LeafCursor {
  i = 0
  private scope: Scope
  private readonly frames: Frame[] = []
  /** Capture groups opened so far (numbered and named): decides what `\12` means. */
  private captures = 0
  /** Whether the whole pattern ignores case, so that JS's `i` flag can be used. */
  private readonly ignoreCaseFlag: boolean

  constructor(
    readonly pattern: string,
    readonly dialect: RegexDialect,
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
    this.ignoreCaseFlag = ignoreCase && !/\(\?[a-z]*-[a-z]*i/.test(pattern)
    this.frames.push({ kind: 'top', outerScope: this.scope, branches: [], items: [], lastAtom: -1 })
  }

  parse(): ParsedRegex {
    const p = this.pattern
    while (this.i < p.length) {
      const c = p[this.i] as string
      switch (c) {
        case '\\':
          this.escape()
          break
        case '[':
          this.atom({ type: 'char', js: readClass(this, this.caseless()) })
          break
        case '(':
          this.openGroup()
          break
        case ')':
          this.closeGroup()
          break
        case '|': {
          this.i++
          const f = this.frame()
          f.branches.push({ type: 'sequence', items: f.items })
          f.items = []
          f.lastAtom = -1
          break
        }
        case '*':
        case '+':
        case '?':
          this.quantifier()
          break
        case '{':
          if (this.isBraceQuantifier()) this.quantifier()
          else {
            this.i++
            this.literal('{')
          }
          break
        case '.':
          this.i++
          this.atom({ type: 'char', js: this.scope.dotAll ? ANY : NOT_NEWLINE })
          break
        case '^':
          this.i++
          this.assertion(this.dialect === 'ruby' ? '(?<![^\\n])' : '^')
          break
        case '$':
          this.i++
          this.assertion(this.dialect === 'ruby' ? '(?![^\\n])' : '(?=\\n?$)')
          break
        default:
          this.i++
          this.literal(c)
      }
    }
    if (this.frames.length > 1) throw new RegexTranslationError('unterminated group', p.length)
    const top = this.frame()
    return {
      tree: bodyOf(top),
      ignoreCaseFlag: this.ignoreCaseFlag,
      foldLiterals: this.scope.ignoreCase || /\(\?[a-z]*i/.test(p),
    }
  }

  private frame(): Frame {
    return this.frames.at(-1) as Frame
  }

  private atom(node: RegexNode): void {
    const f = this.frame()
    f.lastAtom = f.items.push(node) - 1
  }

  private assertion(js: string): void {
    const f = this.frame()
    f.items.push({ type: 'assertion', js })
    f.lastAtom = -1
  }

  /** A literal character, case-expanded when only this scope is case-insensitive. */
  private literal(c: string): void {
    this.atom({ type: 'char', js: this.caseExpand(c) ?? escapeLiteral(c), literal: c })
  }

  /** Leaves here are case-expanded: this scope ignores case, but not the whole pattern. */
  private caseless(): boolean {
    return this.scope.ignoreCase && !this.ignoreCaseFlag
  }

  private caseExpand(c: string): string | undefined {
    return this.caseless() ? bothCases(c) : undefined
  }

  private escape(): void {
    const p = this.pattern
    const next = p[this.i + 1]
    if (next === undefined) throw new RegexTranslationError('trailing backslash', this.i)
    this.i += 2
    switch (next) {
      case 'A':
        this.assertion('^')
        return
      case 'z':
        this.assertion('$')
        return
      case 'Z':
        this.assertion('(?=\\n?$)')
        return
      case 'b':
      case 'B':
        this.assertion(`\\${next}`)
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
    const js = readEscape(this, next, false, this.caseless())
    const literal = literalOf(js)
    this.atom(literal === undefined ? { type: 'char', js } : { type: 'char', js, literal })
  }

  private backref(first: string): void {
    let digits = first
    while (/[0-9]/.test(this.pattern[this.i] ?? '')) {
      const more = digits + this.pattern[this.i]
      if (Number(more) > this.captures && Number(digits) <= this.captures) break
      digits = more
      this.i++
    }
    const n = Number(digits)
    if (n > 9 && n > this.captures) {
      // PCRE: a number past the groups defined so far is an octal escape
      this.atom({ type: 'char', js: hexEscape(Number.parseInt(digits, 8) & 0xff) })
      return
    }
    this.atom({ type: 'backref', group: n })
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
      const n = Number(ref) < 0 ? this.captures + 1 + Number(ref) : Number(ref)
      if (n < 1 || n > this.captures)
        throw new RegexTranslationError(`reference to unknown group ${ref}`, this.i)
      this.atom({ type: 'backref', group: n })
      return
    }
    this.atom({ type: 'named-backref', name: ref })
  }

  private quoted(): void {
    const end = this.pattern.indexOf('\\E', this.i)
    const text = this.pattern.slice(this.i, end < 0 ? undefined : end)
    this.i = end < 0 ? this.pattern.length : end + 2
    for (const ch of text) this.literal(ch)
  }

  private openGroup(): void {
    const p = this.pattern
    const outerScope = { ...this.scope }
    const scope = { ...this.scope }
    let kind: GroupKind
    let name: string | undefined
    if (p[this.i + 1] !== '?') {
      this.i++
      this.captures++
      kind = 'capture'
    } else {
      const rest = p.slice(this.i + 2)
      const mod = /^([imsx]*)(?:-([imsx]*))?([:)])/.exec(rest)
      if (rest.startsWith(':') || rest.startsWith('=') || rest.startsWith('!')) {
        kind = rest[0] === ':' ? 'plain' : rest[0] === '=' ? 'lookahead' : 'negative-lookahead'
        this.i += 3
      } else if (rest.startsWith('<=') || rest.startsWith('<!')) {
        kind = rest[1] === '=' ? 'lookbehind' : 'negative-lookbehind'
        this.i += 4
      } else if (rest.startsWith('>')) {
        kind = 'atomic'
        this.i += 3
      } else if (rest.startsWith('#')) {
        const end = p.indexOf(')', this.i)
        if (end < 0) throw new RegexTranslationError('unterminated comment', this.i)
        this.i = end + 1
        this.frame().items.push({ type: 'inert' })
        return
      } else if (/^(?:P?<[A-Za-z_]\w*>|'[A-Za-z_]\w*')/.test(rest)) {
        const named = /^P?(?:<([A-Za-z_]\w*)>|'([A-Za-z_]\w*)')/.exec(rest) as RegExpExecArray
        name = named[1] ?? named[2]
        this.i += 2 + named[0].length
        this.captures++
        kind = 'named'
      } else if (mod && (mod[1] || mod[2] !== undefined)) {
        this.i += 2 + mod[0].length
        this.applyModifiers(scope, mod[1] ?? '', mod[2] ?? '')
        if (mod[3] === ')') {
          // (?i) mid-pattern: applies until the end of the enclosing group
          this.scope = scope
          this.frame().items.push({ type: 'inert' })
          return
        }
        kind = 'plain'
      } else {
        throw new RegexTranslationError(`unsupported group syntax (?${rest.slice(0, 2)}`, this.i)
      }
    }
    this.scope = scope
    this.frames.push({ kind, ...(name ? { name } : {}), outerScope, branches: [], items: [], lastAtom: -1 })
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
    if (!scope.ignoreCase && this.ignoreCaseFlag)
      throw new RegexTranslationError('turning case-insensitivity off inside the pattern', this.i)
  }

  private closeGroup(): void {
    if (this.frames.length === 1) throw new RegexTranslationError('unbalanced )', this.i)
    const f = this.frames.pop() as Frame
    this.i++
    this.scope = f.outerScope
    const kind = f.kind as GroupKind
    this.atom({ type: 'group', kind, ...(f.name ? { name: f.name } : {}), body: bodyOf(f) })
  }

  private isBraceQuantifier(): boolean {
    return /^\{(?:\d+(?:,\d*)?|,\d+)\}/.test(this.pattern.slice(this.i))
  }

  private quantifier(): void {
    const p = this.pattern
    const start = this.i
    let quantifier: string
    let min: number
    let max: number
    if (p[this.i] === '{') {
      const m = /^\{(\d*)(,?)(\d*)\}/.exec(p.slice(this.i)) as RegExpExecArray
      this.i += m[0].length
      min = Number(m[1] || '0')
      max = m[2] !== ',' ? min : m[3] === '' ? Number.POSITIVE_INFINITY : Number(m[3])
      quantifier = m[2] ? `{${min},${m[3]}}` : `{${min}}`
    } else {
      quantifier = p[this.i] as string
      min = quantifier === '+' ? 1 : 0
      max = quantifier === '?' ? 1 : Number.POSITIVE_INFINITY
      this.i++
    }
    const f = this.frame()
    if (f.lastAtom < 0) throw new RegexTranslationError('quantifier without a target', start)
    let mode: 'greedy' | 'lazy' | 'possessive' = 'greedy'
    if (p[this.i] === '?') {
      mode = 'lazy'
      this.i++
    } else if (p[this.i] === '+') {
      mode = 'possessive'
      this.i++
    }
    const body = f.items[f.lastAtom] as RegexNode
    f.items[f.lastAtom] = { type: 'repeat', body, min, max, quantifier, mode, end: this.i }
    f.lastAtom = -1
  }
}

/** A frame's content: one sequence, or the alternation of its branches. */
function bodyOf(f: Frame): Sequence | Alternation {
  const last: Sequence = { type: 'sequence', items: f.items }
  return f.branches.length === 0 ? last : { type: 'alternation', branches: [...f.branches, last] }
}

import { type RegexDialect, RegexTranslationError } from './regex-syntax.js'

// The leaves of a pattern: escapes and bracketed classes read at the parser's cursor, and how single
// characters, escapes and class bodies are spelt in a JavaScript pattern.

/** Where parse-regex.ts is in the pattern; reading a leaf moves `i` past it. */
export interface LeafCursor {
  readonly pattern: string
  readonly dialect: RegexDialect
  i: number
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

/** Translates one escape (after the backslash) that stands for characters. */
export function readEscape(cur: LeafCursor, next: string, inClass: boolean, caseless: boolean): string {
  const p = cur.pattern
  switch (next) {
    case 'd':
    case 'D':
    case 'w':
    case 'W':
    case 's':
    case 'S':
      return `\\${next}`
    case 'h':
      if (cur.dialect === 'ruby') return inClass ? '0-9a-fA-F' : '[0-9a-fA-F]'
      return inClass ? ' \\t\\xa0' : '[ \\t\\xa0]'
    case 'H':
      if (inClass) throw new RegexTranslationError('\\H inside a class', cur.i - 2)
      return cur.dialect === 'ruby' ? '[^0-9a-fA-F]' : '[^ \\t\\xa0]'
    case 'R':
      if (inClass) throw new RegexTranslationError('\\R inside a class', cur.i - 2)
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
      while (digits.length < 2 && /[0-7]/.test(p[cur.i] ?? '')) digits += p[cur.i++]
      return hexEscape(Number.parseInt(digits || '0', 8))
    }
    case 'x': {
      if (p[cur.i] === '{') {
        const end = p.indexOf('}', cur.i)
        const hex = p.slice(cur.i + 1, end)
        if (end < 0 || !/^[0-9a-fA-F]{1,4}$/.test(hex))
          throw new RegexTranslationError('bad \\x{...} escape', cur.i - 2)
        cur.i = end + 1
        return hexEscape(Number.parseInt(hex, 16))
      }
      let hex = ''
      while (hex.length < 2 && /[0-9a-fA-F]/.test(p[cur.i] ?? '')) hex += p[cur.i++]
      if (!hex) throw new RegexTranslationError('bad \\x escape', cur.i - 2)
      return hexEscape(Number.parseInt(hex, 16))
    }
    case 'c': {
      const ch = p[cur.i++]
      if (!ch || !/[A-Za-z]/.test(ch)) throw new RegexTranslationError('bad \\c escape', cur.i - 3)
      return `\\c${ch}`
    }
    case 'p':
    case 'P':
      throw new RegexTranslationError('Unicode property escapes are not supported', cur.i - 2)
    default:
      if (/[A-Za-z]/.test(next)) throw new RegexTranslationError(`unknown escape \\${next}`, cur.i - 2)
      if (/[0-9]/.test(next)) {
        if (inClass && /[1-7]/.test(next)) {
          let digits = next
          while (digits.length < 3 && /[0-7]/.test(p[cur.i] ?? '')) digits += p[cur.i++]
          return hexEscape(Number.parseInt(digits, 8))
        }
        throw new RegexTranslationError(`bad escape \\${next}`, cur.i - 2)
      }
      // an escaped punctuation or other character stands for itself
      if (inClass) return `\\${next}`
      return (caseless ? bothCases(next) : undefined) ?? escapeLiteral(next)
  }
}

/** A bracketed class in JS spelling (POSIX classes expanded, case-expanded in a case-insensitive scope). */
export function readClass(cur: LeafCursor, caseless: boolean): string {
  const p = cur.pattern
  const start = cur.i
  cur.i++
  let body = ''
  let negate = false
  if (p[cur.i] === '^') {
    negate = true
    cur.i++
  }
  let first = true
  for (;;) {
    const c = p[cur.i]
    if (c === undefined) throw new RegexTranslationError('unterminated character class', start)
    if (c === ']' && !first) {
      cur.i++
      break
    }
    first = false
    if (c === '[' && p[cur.i + 1] === ':') {
      const end = p.indexOf(':]', cur.i + 2)
      const name = end < 0 ? '' : p.slice(cur.i + 2, end)
      const neg = name.startsWith('^')
      const set = POSIX_CLASSES[neg ? name.slice(1) : name]
      if (set === undefined || neg)
        throw new RegexTranslationError(`unsupported POSIX class [:${name}:]`, cur.i)
      body += set
      cur.i = end + 2
      continue
    }
    if (c === '[') {
      if (cur.dialect === 'ruby') throw new RegexTranslationError('nested character class', cur.i)
      body += '\\['
      cur.i++
      continue
    }
    if (c === '&' && p[cur.i + 1] === '&' && cur.dialect === 'ruby')
      throw new RegexTranslationError('character class intersection (&&)', cur.i)
    if (c === '\\') {
      const next = p[cur.i + 1]
      if (next === undefined) throw new RegexTranslationError('trailing backslash', cur.i)
      cur.i += 2
      if (next === 'b') body += '\\x08'
      else body += readEscape(cur, next, true, caseless)
      continue
    }
    body += escapeClassChar(c)
    cur.i++
  }
  if (caseless) body += otherCase(body)
  return `[${negate ? '^' : ''}${body}]`
}

const CONTROL_ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', f: '\f', v: '\v' }

/** The character a translated one-character escape stands for, when it is a plain literal. */
export function literalOf(text: string): string | undefined {
  if (/^\\x[0-9a-f]{2}$/.test(text)) return String.fromCharCode(Number.parseInt(text.slice(2), 16))
  if (/^\\[nrtfv]$/.test(text)) return CONTROL_ESCAPES[text[1] as string]
  if (/^\\[^\w]$/.test(text)) return text[1]
  if (/^[^\\[]$/.test(text)) return text
  return undefined
}

export function hexEscape(code: number): string {
  return code <= 0xff
    ? `\\x${code.toString(16).padStart(2, '0')}`
    : `\\u${code.toString(16).padStart(4, '0')}`
}

export function escapeLiteral(c: string): string {
  return /[\\^$.*+?()[\]{}|/]/.test(c) ? `\\${c}` : c
}

function escapeClassChar(c: string): string {
  return /[\\\]^[/]/.test(c) ? `\\${c}` : c
}

/** `[aA]` for a letter (a case-insensitive character where JS's `i` flag is not used), else undefined. */
export function bothCases(c: string): string | undefined {
  const lo = c.toLowerCase()
  const up = c.toUpperCase()
  return lo !== up && lo.length === 1 && up.length === 1 ? `[${lo}${up}]` : undefined
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

import { MamoriError } from '../core/errors.js'
import type { Span } from './ast.js'

/** One value as written: `"quoted, with \" escapes"` or `bare`. */
export interface RawValue {
  readonly text: string
  readonly quoted: boolean
  readonly span: Span
}

/** What the lexer sees: `-key:v1,v2` or a bare word / quoted phrase, each possibly negated. */
export type Token =
  | {
      readonly kind: 'field'
      readonly key: string
      readonly keySpan: Span
      readonly negated: boolean
      readonly values: readonly RawValue[]
      readonly span: Span
    }
  | { readonly kind: 'word'; readonly value: RawValue; readonly negated: boolean; readonly span: Span }

/** Queries longer than this are refused before any work: nobody types them, and they cost. */
export const MAX_QUERY_LENGTH = 16_384

const KEY = /[A-Za-z_][A-Za-z0-9_.]*:/y
const SPACE = /\s/

export function syntaxError(message: string, at: number): MamoriError {
  return new MamoriError('ERR_QUERY_SYNTAX', `${message} at column ${at + 1}`)
}

/** Splits query text into tokens. Throws ERR_QUERY_SYNTAX with the column of the mistake. */
export function lex(text: string): Token[] {
  if (text.length > MAX_QUERY_LENGTH) {
    throw new MamoriError(
      'ERR_QUERY_SYNTAX',
      `query is ${text.length} characters long; the limit is ${MAX_QUERY_LENGTH}`,
    )
  }
  // no store can hold U+0000 in text (PostgreSQL refuses it): the same refusal on every dialect
  const nul = text.indexOf('\u0000')
  if (nul !== -1) throw syntaxError('U+0000 (NUL) cannot be searched for', nul)
  const tokens: Token[] = []
  let i = 0
  while (i < text.length) {
    if (SPACE.test(text[i] as string)) {
      i++
      continue
    }
    const start = i
    const negated = text[i] === '-'
    if (negated) {
      i++
      if (i >= text.length || SPACE.test(text[i] as string))
        throw syntaxError('"-" must be followed by a term', start)
    }
    KEY.lastIndex = i
    const key = KEY.exec(text)
    if (key) {
      const keySpan = { start: i, end: i + key[0].length - 1 }
      i += key[0].length
      const values: RawValue[] = []
      for (;;) {
        const value = readValue(text, i, true)
        if (value.text === '' && !value.quoted) {
          throw syntaxError(`missing value for "${key[0].slice(0, -1)}"`, i)
        }
        values.push(value)
        i = value.span.end
        if (text[i] !== ',') break
        i++
      }
      if (i < text.length && !SPACE.test(text[i] as string)) throw syntaxError(`unexpected "${text[i]}"`, i)
      tokens.push({
        kind: 'field',
        key: key[0].slice(0, -1),
        keySpan,
        negated,
        values,
        span: { start, end: i },
      })
    } else {
      const value = readValue(text, i, false)
      i = value.span.end
      if (i < text.length && !SPACE.test(text[i] as string)) throw syntaxError(`unexpected "${text[i]}"`, i)
      tokens.push({ kind: 'word', value, negated, span: { start, end: i } })
    }
  }
  return tokens
}

/** Reads one value at `at`: a quoted string with \" and \\ escapes, or a run up to space (or comma). */
function readValue(text: string, at: number, inList: boolean): RawValue {
  if (text[at] === '"') {
    let out = ''
    let i = at + 1
    while (i < text.length && text[i] !== '"') {
      if (text[i] === '\\') {
        const next = text[i + 1]
        if (next === undefined) break
        if (next !== '"' && next !== '\\') throw syntaxError(`unknown escape "\\${next}"`, i)
        out += next
        i += 2
      } else {
        out += text[i]
        i++
      }
    }
    if (i >= text.length) throw syntaxError('unbalanced quote: the string opened here is never closed', at)
    return { text: out, quoted: true, span: { start: at, end: i + 1 } }
  }
  let i = at
  while (i < text.length && !SPACE.test(text[i] as string) && !(inList && text[i] === ',')) {
    if (text[i] === '"') throw syntaxError('a quote may only open a value', i)
    i++
  }
  return { text: text.slice(at, i), quoted: false, span: { start: at, end: i } }
}

import { MamoriError } from '../core/errors.js'
import { cidrRange } from '../core/ipv4.js'
import type { QueryAst, Span, Term, Value } from './ast.js'
import { type FieldDef, fieldByName, suggestField } from './fields.js'
import { lex, type RawValue, syntaxError } from './lexer.js'
import { textTokens } from './tokens.js'

/** Bounds on what one query may ask, so a query cannot make unbounded SQL. */
const MAX_TERMS = 64
const MAX_VALUES = 256

/**
 * Parses search text into an AST whose values are checked against the field table.
 * Every failure is a MamoriError (ERR_QUERY_*) naming the problem and its column; nothing else is thrown.
 *
 * @example parseQuery('port:23,2323 -product:"BusyBox" net:127.16.0.0/16 login')
 */
export function parseQuery(text: string): QueryAst {
  const tokens = lex(text)
  if (tokens.length > MAX_TERMS) {
    throw new MamoriError('ERR_QUERY_SYNTAX', `query has ${tokens.length} terms; the limit is ${MAX_TERMS}`)
  }
  const terms: Term[] = []
  let valueCount = 0
  for (const token of tokens) {
    if (token.kind === 'word') {
      const tokensOf = textTokens(token.value.text)
      if (tokensOf.length === 0) {
        throw syntaxError(
          `"${clip(token.value.text)}" has no letters or digits to search for`,
          token.value.span.start,
        )
      }
      valueCount += tokensOf.length
      terms.push({ kind: 'text', tokens: tokensOf, negated: token.negated, span: token.span })
      continue
    }
    const field = fieldByName(token.key)
    if (!field) {
      const hint = suggestField(token.key)
      throw new MamoriError(
        'ERR_QUERY_UNKNOWN_FIELD',
        `unknown field "${clip(token.key)}" at column ${token.keySpan.start + 1}${hint ? `; did you mean "${hint}"?` : ''}`,
      )
    }
    valueCount += token.values.length
    terms.push({
      kind: 'field',
      field: field.name,
      negated: token.negated,
      values: token.values.map((v) => parseValue(field, v)),
      span: token.span,
    })
  }
  if (valueCount > MAX_VALUES) {
    throw new MamoriError('ERR_QUERY_SYNTAX', `query has ${valueCount} values; the limit is ${MAX_VALUES}`)
  }
  return { terms }
}

function clip(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}...` : text
}

function valueError(field: FieldDef, raw: RawValue, why: string): MamoriError {
  return new MamoriError(
    'ERR_QUERY_VALUE',
    `${field.name}: "${clip(raw.text)}" ${why} at column ${raw.span.start + 1}`,
  )
}

function parseValue(field: FieldDef, raw: RawValue): Value {
  const span: Span = raw.span
  const text = raw.text.trim()
  if (text === '') throw valueError(field, raw, 'is empty')
  switch (field.type) {
    case 'string':
      return { kind: 'string', value: field.upper ? text.toUpperCase() : text, span }
    case 'text':
      return { kind: 'string', value: text, span }
    case 'enum': {
      const v = text.toLowerCase()
      if (!field.values?.includes(v))
        throw valueError(field, raw, `is not one of ${field.values?.join(', ')}`)
      return { kind: 'string', value: v, span }
    }
    case 'bool': {
      const v = text.toLowerCase()
      if (['true', 'yes', '1'].includes(v)) return { kind: 'bool', value: true, span }
      if (['false', 'no', '0'].includes(v)) return { kind: 'bool', value: false, span }
      throw valueError(field, raw, 'is not true or false')
    }
    case 'int':
    case 'float':
      return parseRange(field, raw, field.name === 'asn' ? text.replace(/^as/i, '') : text)
    case 'cidr': {
      const r = cidrRange(text)
      if (!r) throw valueError(field, raw, 'is not an IPv4 address or CIDR (a.b.c.d/n)')
      return { kind: 'range', lo: r.lo, hi: r.hi, span }
    }
    case 'date':
      return { kind: 'date', iso: parseDate(field, raw, text), span }
  }
}

function parseRange(field: FieldDef, raw: RawValue, text: string): Value {
  const num = field.type === 'int' ? '\\d{1,10}' : '\\d{1,3}(?:\\.\\d{1,3})?'
  const m = new RegExp(`^(${num})(?:-(${num}))?$`).exec(text)
  if (!m)
    throw valueError(
      field,
      raw,
      field.type === 'int' ? 'is not a number or range (a-b)' : 'is not a number or range',
    )
  const lo = Number(m[1])
  const hi = m[2] === undefined ? lo : Number(m[2])
  if (lo > hi) throw valueError(field, raw, 'is a range whose start is after its end')
  if ((field.min !== undefined && lo < field.min) || (field.max !== undefined && hi > field.max)) {
    throw valueError(field, raw, `is outside ${field.min}-${field.max}`)
  }
  return { kind: 'range', lo, hi, span: raw.span }
}

function parseDate(field: FieldDef, raw: RawValue, text: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})(T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?(?:Z|[+-]\d{2}:\d{2}))?$/.exec(
    text,
  )
  const day = m ? new Date(`${m[1]}-${m[2]}-${m[3]}T00:00:00Z`) : undefined
  const date = m ? new Date(m[4] ? text : `${text}T00:00:00Z`) : undefined
  // Date() rolls 2026-02-30 over to March: compare the calendar fields back.
  const valid =
    day &&
    date &&
    !Number.isNaN(day.getTime()) &&
    !Number.isNaN(date.getTime()) &&
    day.toISOString().slice(0, 10) === text.slice(0, 10)
  if (!valid) throw valueError(field, raw, 'is not a date (YYYY-MM-DD or ISO 8601 time)')
  return date.toISOString()
}

/** Half-open range of character offsets into the query text (0-based; column = start + 1). */
export interface Span {
  readonly start: number
  readonly end: number
}

/** A value after its field's type has checked and normalised it. */
export type Value =
  | { readonly kind: 'string'; readonly value: string; readonly span: Span }
  | { readonly kind: 'range'; readonly lo: number; readonly hi: number; readonly span: Span }
  | { readonly kind: 'date'; readonly iso: string; readonly span: Span }
  | { readonly kind: 'bool'; readonly value: boolean; readonly span: Span }

/** `key:a,b` (any value matches) or `-key:a,b` (none matches). */
export interface FieldTerm {
  readonly kind: 'field'
  readonly field: string
  readonly negated: boolean
  readonly values: readonly Value[]
  readonly span: Span
}

/** A bare word or quoted phrase searched in banner text, as lower-case tokens. */
interface TextTerm {
  readonly kind: 'text'
  readonly tokens: readonly string[]
  readonly negated: boolean
  readonly span: Span
}

export type Term = FieldTerm | TextTerm

/** A whole query: every term must hold (implicit AND). An empty query matches everything. */
export interface QueryAst {
  readonly terms: readonly Term[]
}

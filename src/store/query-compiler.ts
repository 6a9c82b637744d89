import type { FieldTerm, QueryAst, Term, Value } from '../query/ast.js'
import { type FieldDef, fieldByName } from '../query/fields.js'
import { fieldTarget } from './field-targets.js'
import { addressIdRange, timeMs } from './record-row.js'

/** Parameters collected while SQL text is built; `add` returns the dialect's placeholder. */
export class Params {
  readonly values: unknown[] = []
  constructor(private readonly placeholder: (index: number) => string) {}
  add(value: unknown): string {
    this.values.push(value)
    return this.placeholder(this.values.length)
  }
}

/**
 * Compiles a query AST to a parameterised WHERE clause over `services s`. Column and table names
 * come only from the field table; every user value is a parameter. Dialects override the hooks
 * (placeholders, case-insensitive comparison, full text, NULL-safe NOT), not the visitor.
 * Callers must append SQL in the order they add parameters (SQLite's `?` is positional).
 */
export abstract class QueryCompiler {
  abstract placeholder(index: number): string
  /** Case-insensitive equality with an indexed column; the parameter is already lower-case where needed. */
  protected abstract ciEquals(column: string, value: string, params: Params): string
  /** Case-insensitive substring. */
  protected abstract contains(column: string, value: string, params: Params): string
  /** Banner full text: all tokens, adjacent and in order. */
  protected abstract fullText(tokens: readonly string[], params: Params): string
  /** NOT that treats NULL as false, so `-product:x` keeps services without a product. */
  protected abstract not(condition: string): string
  abstract readonly trueSql: string

  params(): Params {
    return new Params((i) => this.placeholder(i))
  }

  where(ast: QueryAst, params: Params): string {
    if (ast.terms.length === 0) return this.trueSql
    return ast.terms.map((t) => this.term(t, params)).join(' AND ')
  }

  private term(term: Term, params: Params): string {
    if (term.kind === 'text') {
      const sql = this.fullText(term.tokens, params)
      return term.negated ? this.not(sql) : sql
    }
    const sql = this.field(term, params)
    return term.negated ? this.not(sql) : sql
  }

  private field(term: FieldTerm, params: Params): string {
    const def = fieldByName(term.field) as FieldDef
    const target = fieldTarget(def)
    if (target.kind === 'column') {
      return this.anyOf(term.values.map((v) => this.compare(def, `s.${target.column}`, v, params)))
    }
    if (target.kind === 'content') {
      const conds = term.values.map((v) => this.compare(def, `r.${target.column}`, v, params))
      return `s.content_id IN (SELECT r.id FROM contents r WHERE ${this.anyOf(conds)})`
    }
    const sub = (cond: string) => `s.id IN (SELECT r.service_id FROM ${target.table} r WHERE ${cond})`
    if (def.type === 'bool') {
      // kev:false means "no KEV vulnerability", not "some vulnerability outside KEV"
      return this.anyOf(
        term.values.map((v) => {
          const has = sub(`r.${target.column} = ${params.add(1)}`)
          return v.kind === 'bool' && v.value ? has : this.not(has)
        }),
      )
    }
    return sub(this.anyOf(term.values.map((v) => this.compare(def, `r.${target.column}`, v, params))))
  }

  private anyOf(conds: string[]): string {
    return conds.length === 1 ? (conds[0] as string) : `(${conds.join(' OR ')})`
  }

  private compare(def: FieldDef, column: string, v: Value, params: Params): string {
    switch (v.kind) {
      case 'string':
        if (def.type === 'text') return this.contains(column, v.value.toLowerCase(), params)
        if (def.type === 'string' && !def.upper && !def.exact)
          return this.ciEquals(column, v.value.toLowerCase(), params)
        return `${column} = ${params.add(v.value)}`
      case 'range': {
        if (def.type === 'cidr') {
          const [first, last] = addressIdRange(v.lo, v.hi)
          return `${column} BETWEEN ${params.add(first)} AND ${params.add(last)}`
        }
        if (v.lo === v.hi) return `${column} = ${params.add(v.lo)}`
        return `${column} BETWEEN ${params.add(v.lo)} AND ${params.add(v.hi)}`
      }
      case 'date':
        // stored times are integer milliseconds
        return `${column} ${def.compare === 'before' ? '<' : '>='} ${params.add(timeMs(v.iso))}`
      case 'bool':
        return `${column} = ${params.add(v.value ? 1 : 0)}`
    }
  }
}

import type { FieldTerm, QueryAst, Term, Value } from '../query/ast.js'
import { type FieldDef, fieldByName } from '../query/fields.js'
import { fieldTarget } from './field-targets.js'
import { addressIdRange, timeMs } from './record-row.js'
import { type Sql, sql } from './sql.js'

/**
 * Compiles a query AST to a parameterised WHERE clause over `services s`. Column and table names
 * come only from the field table; every user value is a parameter. Dialects override the hooks
 * (case-insensitive comparison, full text, NULL-safe NOT), not the visitor.
 */
export abstract class QueryCompiler {
  /** Case-insensitive equality with an indexed column; the value is already lower-case where needed. */
  protected abstract ciEquals(column: Sql, value: string): Sql
  /** Case-insensitive substring. */
  protected abstract contains(column: Sql, value: string): Sql
  /** Banner full text: all tokens, adjacent and in order. */
  protected abstract fullText(tokens: readonly string[]): Sql
  /** NOT that treats NULL as false, so `-product:x` keeps services without a product. */
  protected abstract not(condition: Sql): Sql
  abstract readonly trueSql: Sql

  where(ast: QueryAst): Sql {
    if (ast.terms.length === 0) return this.trueSql
    return sql.join(
      ast.terms.map((t) => this.term(t)),
      ' AND ',
    )
  }

  private term(term: Term): Sql {
    const cond = term.kind === 'text' ? this.fullText(term.tokens) : this.field(term)
    return term.negated ? this.not(cond) : cond
  }

  private field(term: FieldTerm): Sql {
    const def = fieldByName(term.field) as FieldDef
    const target = fieldTarget(def)
    const column = sql.raw(`${target.kind === 'column' ? 's' : 'r'}.${target.column}`)
    const compared = () => this.anyOf(term.values.map((v) => this.compare(def, column, v)))
    if (target.kind === 'column') return compared()
    if (target.kind === 'content')
      return sql`s.content_id IN (SELECT r.id FROM contents r WHERE ${compared()})`
    const sub = (cond: Sql) =>
      sql`s.id IN (SELECT r.service_id FROM ${sql.raw(target.table)} r WHERE ${cond})`
    if (def.type === 'bool') {
      // kev:false means "no KEV vulnerability", not "some vulnerability outside KEV"
      return this.anyOf(
        term.values.map((v) => {
          const has = sub(sql`${column} = ${1}`)
          return v.kind === 'bool' && v.value ? has : this.not(has)
        }),
      )
    }
    return sub(compared())
  }

  private anyOf(conds: Sql[]): Sql {
    return conds.length === 1 ? (conds[0] as Sql) : sql`(${sql.join(conds, ' OR ')})`
  }

  private compare(def: FieldDef, column: Sql, v: Value): Sql {
    switch (v.kind) {
      case 'string':
        if (def.type === 'text') return this.contains(column, v.value.toLowerCase())
        if (def.type === 'string' && !def.upper && !def.exact)
          return this.ciEquals(column, v.value.toLowerCase())
        return sql`${column} = ${v.value}`
      case 'range': {
        if (def.type === 'cidr') {
          const [first, last] = addressIdRange(v.lo, v.hi)
          return sql`${column} BETWEEN ${first} AND ${last}`
        }
        if (v.lo === v.hi) return sql`${column} = ${v.lo}`
        return sql`${column} BETWEEN ${v.lo} AND ${v.hi}`
      }
      case 'date':
        // stored times are integer milliseconds
        return sql`${column} ${sql.raw(def.compare === 'before' ? '<' : '>=')} ${timeMs(v.iso)}`
      case 'bool':
        return sql`${column} = ${v.value ? 1 : 0}`
    }
  }
}

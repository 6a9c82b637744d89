import { type Params, QueryCompiler } from '../../query-compiler.js'

export class SqliteQueryCompiler extends QueryCompiler {
  readonly trueSql = '1'
  placeholder(): string {
    return '?'
  }
  protected ciEquals(column: string, value: string, params: Params): string {
    return `${column} = ${params.add(value)} COLLATE NOCASE`
  }
  protected contains(column: string, value: string, params: Params): string {
    return `instr(lower(${column}), ${params.add(value)}) > 0`
  }
  protected fullText(tokens: readonly string[], params: Params): string {
    // tokens are letters and digits only, so the quoted phrase cannot carry FTS5 syntax
    return `s.content_id IN (SELECT rowid FROM contents_fts WHERE contents_fts MATCH ${params.add(`"${tokens.join(' ')}"`)})`
  }
  protected not(condition: string): string {
    return `NOT coalesce((${condition}), 0)`
  }
}

import { type Params, QueryCompiler } from '../../query-compiler.js'

export class PostgresQueryCompiler extends QueryCompiler {
  readonly trueSql = 'TRUE'
  placeholder(index: number): string {
    return `$${index}`
  }
  protected ciEquals(column: string, value: string, params: Params): string {
    return `lower(${column}) = ${params.add(value)}`
  }
  protected contains(column: string, value: string, params: Params): string {
    return `strpos(lower(${column}), ${params.add(value)}) > 0`
  }
  protected fullText(tokens: readonly string[], params: Params): string {
    return `s.content_id IN (SELECT c.id FROM contents c WHERE c.search @@ phraseto_tsquery('simple', ${params.add(tokens.join(' '))}))`
  }
  protected not(condition: string): string {
    return `NOT coalesce((${condition}), FALSE)`
  }
}

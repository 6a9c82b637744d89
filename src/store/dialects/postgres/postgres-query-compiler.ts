import { QueryCompiler } from '../../query-compiler.js'
import { type Sql, sql } from '../../sql.js'

export class PostgresQueryCompiler extends QueryCompiler {
  readonly trueSql = sql`TRUE`
  protected ciEquals(column: Sql, value: string): Sql {
    return sql`lower(${column}) = ${value}`
  }
  protected contains(column: Sql, value: string): Sql {
    return sql`strpos(lower(${column}), ${value}) > 0`
  }
  protected fullText(tokens: readonly string[]): Sql {
    return sql`s.content_id IN (SELECT c.id FROM contents c WHERE c.search @@ phraseto_tsquery('simple', ${tokens.join(' ')}))`
  }
  protected not(condition: Sql): Sql {
    return sql`NOT coalesce((${condition}), FALSE)`
  }
}

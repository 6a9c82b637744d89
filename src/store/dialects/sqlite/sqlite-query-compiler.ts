import { QueryCompiler } from '../../query-compiler.js'
import { type Sql, sql } from '../../sql.js'

export class SqliteQueryCompiler extends QueryCompiler {
  readonly trueSql = sql`1`
  protected ciEquals(column: Sql, value: string): Sql {
    return sql`${column} = ${value} COLLATE NOCASE`
  }
  protected contains(column: Sql, value: string): Sql {
    return sql`instr(lower(${column}), ${value}) > 0`
  }
  protected fullText(tokens: readonly string[]): Sql {
    // tokens are letters and digits only, so the quoted phrase cannot carry FTS5 syntax
    return sql`s.content_id IN (SELECT rowid FROM contents_fts WHERE contents_fts MATCH ${`"${tokens.join(' ')}"`})`
  }
  protected not(condition: Sql): Sql {
    return sql`NOT coalesce((${condition}), 0)`
  }
}

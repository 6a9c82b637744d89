import { MamoriError } from '../core/errors.js'

/**
 * SQL text with its values in place, as kysely's sql`` tag: a value is written where it is used and
 * becomes a parameter right there, so no value can drift from its placeholder. Fragments nest, and
 * the driver spells the placeholders (`?` for SQLite, `$1` for PostgreSQL) when it runs the query.
 *
 * @example
 * const q = sql`SELECT * FROM hosts WHERE ip = ${ip} AND ${sql.raw(column)} > ${n}`
 * q.compile(() => '?')   // { text: 'SELECT * FROM hosts WHERE ip = ? AND asn > ?', values: [ip, n] }
 */
export class Sql {
  /** Text around the values: `strings.length === values.length + 1`. */
  readonly strings: readonly string[]
  readonly values: readonly unknown[]

  constructor(strings: readonly string[], values: readonly unknown[]) {
    this.strings = strings
    this.values = values
  }

  /** The text with a placeholder for value n (1-based), and the values in the same order. */
  compile(placeholder: (n: number) => string): { text: string; values: unknown[] } {
    let text = this.strings[0] as string
    for (let i = 0; i < this.values.length; i++) text += placeholder(i + 1) + this.strings[i + 1]
    return { text, values: [...this.values] }
  }
}

/** Builds a fragment: text is appended, values become parameters, nested fragments are spliced in. */
class Builder {
  readonly strings = ['']
  readonly values: unknown[] = []

  text(s: string): void {
    this.strings[this.strings.length - 1] += s
  }

  value(v: unknown): void {
    if (v instanceof Sql) {
      this.text(v.strings[0] as string)
      for (let j = 0; j < v.values.length; j++) {
        this.values.push(v.values[j])
        this.strings.push(v.strings[j + 1] as string)
      }
    } else {
      // PostgreSQL text cannot hold U+0000 and its driver would fail with an error of its own;
      // refused here, where every value is bound, for both dialects alike
      if (typeof v === 'string' && v.includes('\u0000'))
        throw new MamoriError(
          'ERR_QUERY_VALUE',
          `the value ${JSON.stringify(v.slice(0, 40))} contains U+0000 (NUL)`,
        )
      this.values.push(v)
      this.strings.push('')
    }
  }

  build(): Sql {
    return new Sql(this.strings, this.values)
  }
}

function tag(strings: TemplateStringsArray, ...values: unknown[]): Sql {
  const b = new Builder()
  b.text(strings[0] as string)
  for (let i = 0; i < values.length; i++) {
    b.value(values[i])
    b.text(strings[i + 1] as string)
  }
  return b.build()
}

/** Trusted text (names from the code or the field table), never a value from outside. */
function raw(text: string): Sql {
  return new Sql([text], [])
}

/** Items joined by a separator (`, ` by default): fragments are spliced in, anything else is a parameter. */
function join(parts: readonly unknown[], separator = ', '): Sql {
  const b = new Builder()
  parts.forEach((p, i) => {
    if (i > 0) b.text(separator)
    b.value(p)
  })
  return b.build()
}

export const sql = Object.assign(tag, { raw, join })

import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { isMamoriError } from '../core/errors.js'
import { SeededRandom } from '../lab/seeded-random.js'
import { postgresPlaceholder } from '../store/dialects/postgres/postgres-driver.js'
import { PostgresQueryCompiler } from '../store/dialects/postgres/postgres-query-compiler.js'
import { sqlitePlaceholder } from '../store/dialects/sqlite/sqlite-driver.js'
import { SqliteQueryCompiler } from '../store/dialects/sqlite/sqlite-query-compiler.js'
import { FIELDS } from './fields.js'
import { MAX_QUERY_LENGTH } from './lexer.js'
import { parseQuery } from './parser.js'

describe('parseQuery', () => {
  it('parses the issue example into terms with positions', () => {
    const ast = parseQuery('port:23,2323 -product:"BusyBox" net:127.16.0.0/16 after:2026-11-01 login')
    assert.deepEqual(
      ast.terms.map((t) =>
        t.kind === 'field' ? [t.field, t.negated, t.values.length] : ['text', t.negated, t.tokens],
      ),
      [
        ['port', false, 2],
        ['product', true, 1],
        ['net', false, 1],
        ['after', false, 1],
        ['text', false, ['login']],
      ],
    )
    const net = ast.terms[2]
    assert.equal(net?.kind, 'field')
    if (net?.kind === 'field')
      assert.deepEqual(net.values[0], {
        kind: 'range',
        lo: 0x7f100000,
        hi: 0x7f10ffff,
        span: { start: 36, end: 49 },
      })
    assert.deepEqual(ast.terms[1]?.span, { start: 13, end: 31 })
  })

  it('reads quoted values with escapes, ranges, booleans and dates', () => {
    const t = parseQuery(
      'http.title:"say \\"hi\\" \\\\o/" port:8000-8099 has_vuln:yes before:2026-11-01T12:30:00+09:00',
    ).terms
    assert.deepEqual(
      t.map((x) => (x.kind === 'field' ? x.values[0] : undefined)).map((v) => v && { ...v, span: undefined }),
      [
        { kind: 'string', value: 'say "hi" \\o/', span: undefined },
        { kind: 'range', lo: 8000, hi: 8099, span: undefined },
        { kind: 'bool', value: true, span: undefined },
        { kind: 'date', iso: '2026-11-01T03:30:00.000Z', span: undefined },
      ],
    )
  })

  it('an empty or blank query matches everything', () => {
    assert.deepEqual(parseQuery('').terms, [])
    assert.deepEqual(parseQuery('  \t ').terms, [])
  })

  const errors: [string, string, RegExp][] = [
    ['prot:23', 'ERR_QUERY_UNKNOWN_FIELD', /^unknown field "prot" at column 1; did you mean "port"\?$/],
    [
      'port:23 title:x',
      'ERR_QUERY_UNKNOWN_FIELD',
      /unknown field "title" at column 9; did you mean "http.title"\?/,
    ],
    ['zzzzzz:1', 'ERR_QUERY_UNKNOWN_FIELD', /^unknown field "zzzzzz" at column 1$/],
    [
      'net:10.0.0.0/33',
      'ERR_QUERY_VALUE',
      /net: "10.0.0.0\/33" is not an IPv4 address or CIDR .* at column 5/,
    ],
    ['net:10.0.0.256', 'ERR_QUERY_VALUE', /column 5/],
    ['ip:1.2.3', 'ERR_QUERY_VALUE', /column 4/],
    ['after:2026-02-30', 'ERR_QUERY_VALUE', /after: "2026-02-30" is not a date/],
    ['before:yesterday', 'ERR_QUERY_VALUE', /not a date/],
    ['port:70000', 'ERR_QUERY_VALUE', /outside 0-65535/],
    ['port:90-80', 'ERR_QUERY_VALUE', /start is after its end/],
    ['port:abc', 'ERR_QUERY_VALUE', /not a number or range/],
    ['has_vuln:maybe', 'ERR_QUERY_VALUE', /not true or false/],
    ['transport:sctp', 'ERR_QUERY_VALUE', /not one of tcp, udp/],
    ['product:"BusyBox', 'ERR_QUERY_SYNTAX', /unbalanced quote.* at column 9/],
    ['"abc', 'ERR_QUERY_SYNTAX', /unbalanced quote.* at column 1/],
    ['port:', 'ERR_QUERY_SYNTAX', /missing value for "port" at column 6/],
    ['port:23,', 'ERR_QUERY_SYNTAX', /missing value for "port" at column 9/],
    ['port:23"x"', 'ERR_QUERY_SYNTAX', /a quote may only open a value at column 8/],
    ['"a"b', 'ERR_QUERY_SYNTAX', /unexpected "b" at column 4/],
    ['- port:23', 'ERR_QUERY_SYNTAX', /"-" must be followed by a term at column 1/],
    ['"a\\n"', 'ERR_QUERY_SYNTAX', /unknown escape "\\n" at column 3/],
    ['...', 'ERR_QUERY_SYNTAX', /no letters or digits/],
    ['product:""', 'ERR_QUERY_VALUE', /is empty at column 9/],
  ]
  for (const [q, code, message] of errors) {
    it(`refuses ${JSON.stringify(q)} with ${code}`, () => {
      assert.throws(
        () => parseQuery(q),
        (e: unknown) => isMamoriError(e) && e.code === code && message.test(e.message),
      )
    })
  }

  it('refuses a 100 KB query at once, and too many terms or values', () => {
    const started = performance.now()
    assert.throws(() => parseQuery('a'.repeat(100 * 1024)), /limit is 16384/)
    assert.throws(() => parseQuery('x '.repeat(MAX_QUERY_LENGTH / 2 - 1)), /terms; the limit is 64/)
    assert.throws(() => parseQuery(`port:${'1,'.repeat(300)}1`), /values; the limit is 256/)
    assert.ok(performance.now() - started < 200)
  })

  it('every field of the table parses a typical value', () => {
    const sample: Record<string, string> = {
      string: 'x',
      text: 'x',
      int: '200',
      float: '7.5-10',
      cidr: '10.0.0.0/8',
      date: '2026-01-01',
      bool: 'true',
    }
    for (const f of FIELDS) {
      const v = f.type === 'enum' ? (f.values?.[0] as string) : (sample[f.type] as string)
      assert.equal(parseQuery(`${f.name}:${v}`).terms.length, 1, f.name)
    }
  })
})

describe('query fuzzing', () => {
  const compilers = [
    { compiler: new SqliteQueryCompiler(), placeholder: sqlitePlaceholder },
    { compiler: new PostgresQueryCompiler(), placeholder: postgresPlaceholder },
  ]
  const seeds = [
    'port:23,2323 -product:"BusyBox" net:127.16.0.0/16 after:2026-11-01 login',
    'http.title:"a \\"quoted\\" title" -vuln:CVE-2017-7921 kev:true cvss:7-10 "free text"',
    'device:camera,router os:linux asn:AS2497 country:JP -finding:default-credentials',
    "banner:'; DROP TABLE services; -- scan:s-1 before:2026-12-31T23:59:59Z",
  ]
  const alphabet = [
    '"',
    '\\',
    ':',
    ',',
    '-',
    ' ',
    '/',
    '.',
    "'",
    ';',
    '\u0000',
    'é',
    '赤',
    '\n',
    'port',
    'net',
    'a',
    '1',
    '*',
    '(',
    ')',
    '%',
    '$1',
    '?',
  ]

  /** Parse and compile; returns false when the query was refused with a clean error. */
  function check(q: string): boolean {
    let ast: ReturnType<typeof parseQuery>
    try {
      ast = parseQuery(q)
    } catch (err) {
      assert.ok(isMamoriError(err), `${JSON.stringify(q)} threw ${(err as Error)?.stack}`)
      assert.match(err.code, /^ERR_QUERY_/)
      return false
    }
    for (const { compiler, placeholder } of compilers) {
      const { text: sql, values } = compiler.where(ast).compile(placeholder)
      // no user text in SQL: the only literal is PostgreSQL's text-search configuration name
      const stripped = sql.replaceAll("'simple'", '')
      assert.ok(!/['";]|--/.test(stripped), `${JSON.stringify(q)} leaked into SQL: ${sql}`)
      const placeholders = sql.match(/\?|\$\d+/g)?.length ?? 0
      assert.equal(placeholders, values.length, sql)
    }
    return true
  }

  it('5,000 random and 5,000 mutated queries: no crash, no hang, clean errors, no text in SQL', () => {
    // seeded, so the fuzz run is the same every time
    const random = new SeededRandom(20261125)
    const rand = () => random.next()
    const pick = <T>(xs: readonly T[]): T => random.pick(xs)
    const started = performance.now()
    let accepted = 0
    for (let i = 0; i < 5000; i++) {
      let q = ''
      const n = Math.floor(rand() * 20)
      for (let j = 0; j < n; j++) q += pick(alphabet)
      if (check(q)) accepted++
    }
    for (let i = 0; i < 5000; i++) {
      const chars = [...pick(seeds)]
      const edits = 1 + Math.floor(rand() * 4)
      for (let e = 0; e < edits; e++) {
        const at = Math.floor(rand() * (chars.length + 1))
        const op = rand()
        if (op < 0.4) chars.splice(at, 1)
        else if (op < 0.8) chars.splice(at, 0, pick(alphabet))
        else chars.splice(at, 0, ...chars.slice(0, Math.floor(rand() * 10)))
      }
      if (check(chars.join(''))) accepted++
    }
    // both paths exercised: many accepted, many refused
    assert.ok(accepted > 1000 && accepted < 9000, `accepted ${accepted}`)
    assert.ok(performance.now() - started < 5000)
  })
})

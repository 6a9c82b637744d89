import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { RegexDialect, RegexOptions } from './regex-syntax.js'
import { translateRegex } from './translate-regex.js'

function re(pattern: string, dialect: RegexDialect = 'ruby', options: RegexOptions = {}): RegExp {
  const t = translateRegex(pattern, dialect, options)
  return new RegExp(t.source, t.flags)
}

test('Ruby anchors: \\A \\z \\Z are string anchors; ^ and $ are line anchors that ignore \\r', () => {
  assert.ok(re('\\Alogin:').test('login: x'))
  assert.ok(!re('\\Alogin:').test('x\nlogin:'))
  assert.ok(re('^login:').test('Welcome\nlogin:'))
  assert.ok(re('abc\\z').test('xabc'))
  assert.ok(!re('abc\\z').test('abc\n'))
  assert.ok(re('abc\\Z').test('abc\n'))
  assert.ok(re('^abc$').test('x\nabc\ny'))
  // Ruby's $ is before \n only: "abc\r\n" has \r before the newline
  assert.ok(!re('^abc$').test('abc\r\n'))
  assert.ok(re('^abc\\r$').test('abc\r\n'))
})

test("PCRE anchors: ^ is the start, $ the end or before a final newline; Ruby's . matches \\r", () => {
  assert.ok(re('^SSH-$', 'pcre').test('SSH-\n'))
  assert.ok(!re('^b', 'pcre').test('a\nb'))
  assert.ok(re('a.b').test('a\rb'))
  assert.ok(!re('a.b').test('a\nb'))
  assert.ok(re('(?m)a.b').test('a\nb'), "Ruby's (?m) is dot-all")
  assert.ok(re('a.b', 'pcre', { dotAll: true }).test('a\nb'))
})

test('case-insensitivity: leading (?i), scoped (?i:...), mid-pattern (?i)', () => {
  assert.ok(re('(?i)^busybox').test('BusyBox'))
  const scoped = re('a(?i:bc)d')
  assert.ok(scoped.test('aBCd'))
  assert.ok(!scoped.test('ABCd'))
  const mid = re('x(?:a(?i)b)c')
  assert.ok(mid.test('xaBc'))
  assert.ok(!mid.test('xAbc'))
  assert.ok(re('a(?i:[b-c]x)').test('aCX'))
})

test('possessive quantifiers and atomic groups keep their meaning and the capture numbering', () => {
  const possessive = translateRegex('x(\\d)++y(z)', 'ruby')
  const m = new RegExp(possessive.source).exec('x12yz')
  assert.equal(m?.[possessive.groupMap[2] as number], 'z')
  // a possessive run never gives back: "a++a" cannot match "aaa"
  assert.ok(!re('^a++a', 'pcre').test('aaa'))
  assert.ok(!re('^(?>a+)a', 'pcre').test('aaa'))
  assert.ok(re('^(?>a+)b', 'pcre').test('aaab'))
})

test('POSIX classes, \\h per dialect, escapes', () => {
  assert.ok(re('^[[:alpha:]]+[[:digit:]]$').test('abc1'))
  assert.ok(re('^\\h+$').test('0aF'), 'Ruby \\h is a hex digit')
  assert.ok(re('^a\\hb$', 'pcre').test('a\tb'), 'PCRE \\h is horizontal space')
  assert.ok(re('^\\x41\\0\\e', 'pcre').test('A\0\x1b'))
  assert.ok(re('^\\Qa.b\\E$', 'pcre').test('a.b'))
  assert.ok(!re('^\\Qa.b\\E$', 'pcre').test('axb'))
  assert.ok(re('{x}').test('{x}'))
  assert.ok(re('a{,2}b').test('aab'))
})

test('what JavaScript cannot express is rejected with the reason and offset', () => {
  assert.throws(() => translateRegex('\\Gabc', 'pcre'), /\\G .* at offset 0/)
  assert.throws(() => translateRegex('\\p{Alpha}', 'ruby'), /Unicode property/)
  assert.throws(() => translateRegex('[a-z&&[^aeiou]]', 'ruby'), /nested character class|intersection/)
  assert.throws(() => translateRegex('(?(1)a|b)', 'pcre'), /unsupported group syntax/)
  assert.throws(() => translateRegex('(a', 'pcre'), /unterminated group/)
  assert.throws(() => translateRegex('a)', 'pcre'), /unbalanced/)
  assert.throws(() => translateRegex('*a', 'pcre'), /quantifier without a target/)
  assert.throws(() => translateRegex('\\q', 'pcre'), /unknown escape/)
  assert.throws(() => translateRegex('[[:nope:]]', 'ruby'), /POSIX class/)
})

test('nested unbounded quantifiers are flagged unless each repetition is pinned by a separator', () => {
  for (const bad of ['(a+)+', '(\\w+\\s?)*', '(.+)*x', '([\\w._-]+)+', '(?:\\w+ ?)+'])
    assert.ok(translateRegex(bad, 'pcre').nestedQuantifier, bad)
  for (const ok of ['(?:\\d+\\.)*\\d+', '(?:[^\\r\\n]+\\r\\n)*', '\\d+(?:\\.\\d+)*', '(?:P-\\d+,?)+', 'a+b+'])
    assert.equal(translateRegex(ok, 'pcre').nestedQuantifier, undefined, ok)
})

test('required literals come from the top level and from non-optional groups', () => {
  assert.deepEqual(translateRegex('^SSH-2\\.0-OpenSSH_(\\d+)', 'pcre').literals, ['SSH-2.0-OpenSSH_'])
  assert.deepEqual(translateRegex('^(ERS-\\S+) x', 'ruby').literals, ['ERS-', ' x'])
  assert.deepEqual(translateRegex('a(?:bc)?d(?!zz)', 'pcre').literals, ['a', 'd'])
  assert.deepEqual(translateRegex('^foo|bar', 'ruby').literals, [])
  assert.deepEqual(translateRegex('(?i)^BusyBox', 'ruby').literals, ['busybox'])
})

test('adversarial inputs against translated patterns stay fast', () => {
  const patterns = ['^(?:\\d+\\.)*\\d+$', '^(?:[^\\r\\n]+\\r\\n)*Server: x', '(?i)^[\\w.-]+ login:\\s*$']
  const inputs = [`${'1.'.repeat(50_000)}x`, `${'a\r\n'.repeat(30_000)}`, 'a'.repeat(100_000)]
  const start = performance.now()
  for (const p of patterns) for (const s of inputs) re(p, 'pcre').test(s)
  assert.ok(performance.now() - start < 2000)
})

test('a quantifier after a mode modifier or a comment applies to the atom before it, which is then not required', () => {
  const t = translateRegex('ab(?i)*c', 'pcre')
  assert.ok(new RegExp(t.source, t.flags).test('aC'))
  assert.deepEqual(t.literals, ['a', 'c'])
  assert.deepEqual(translateRegex('xy(?#note)?z', 'pcre').literals, ['x', 'z'])
})

test('a backreference inside a possessive repetition names the group it names in the pattern', () => {
  // PCRE: "xx" repeated and never given back, then "y": in "xxxy" the match starts at the second x
  const t = translateRegex('((x)\\2)++y', 'pcre')
  assert.equal(new RegExp(t.source).exec('xxxy')?.[0], 'xxy')
  assert.equal(new RegExp(t.source).exec('xxxxy')?.[t.groupMap[2] as number], 'x')
})

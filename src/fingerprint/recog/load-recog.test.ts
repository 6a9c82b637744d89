import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { applyRule } from '../apply-rule.js'
import { loadRecogDir, loadRecogXml } from './load-recog.js'

const wrap = (body: string) =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<fingerprints matches="http_header.server" preference="0.9">\n${body}\n</fingerprints>\n`

test('a Recog database: params, constants, interpolation, base64 examples, flags', () => {
  const load = loadRecogXml(
    wrap(`  <fingerprint pattern="^Foo/(\\d+)$" flags="REG_ICASE">
    <description>Foo server</description>
    <example service.version="12">foo/12</example>
    <example _encoding="base64">Rk9PLzM=</example>
    <param pos="1" name="service.version"/>
    <param pos="0" name="service.product" value="Foo"/>
    <param pos="0" name="service.cpe23" value="cpe:/a:foo:foo:{service.version}"/>
  </fingerprint>`),
    'x/http_servers.xml',
  )
  assert.deepEqual(load.problems, [])
  const rule = load.rules[0]
  assert.ok(rule)
  assert.equal(rule.matchKey, 'http.server')
  assert.equal(rule.id, 'recog:http_servers:3')
  assert.equal(rule.examples[1]?.text, 'FOO/3')
  assert.deepEqual(applyRule(rule, 'FOO/7'), {
    'service.version': '7',
    'service.product': 'Foo',
    'service.cpe23': 'cpe:/a:foo:foo:7',
  })
})

test('XXE and entity tricks are refused before parsing, with the line', () => {
  const xxe = `<?xml version="1.0"?>\n<!DOCTYPE fingerprints [ <!ENTITY x SYSTEM "file:///etc/passwd"> ]>\n<fingerprints><fingerprint pattern="&x;"/></fingerprints>`
  const load = loadRecogXml(xxe, 'evil.xml')
  assert.equal(load.rules.length, 0)
  assert.deepEqual(load.problems, [
    { file: 'evil.xml', line: 2, message: 'DOCTYPE declarations are refused (entity expansion, XXE)' },
  ])
})

test('malformed XML gives the line; bad fingerprints are reported one by one and the rest load', () => {
  const broken = loadRecogXml('<fingerprints>\n<fingerprint pattern="a">\n</fingerprints>', 'broken.xml')
  assert.equal(broken.problems[0]?.line, 3)
  assert.match(broken.problems[0]?.message ?? '', /^malformed XML/)
  assert.match(loadRecogXml('<other/>', 'o.xml').problems[0]?.message ?? '', /root element/)
  const mixed = loadRecogXml(
    wrap(`  <fingerprint pattern="^ok$"><description>ok</description><example>ok</example></fingerprint>
  <fingerprint pattern="\\Gnope"><description>bad</description></fingerprint>
  <fingerprint><description>no pattern</description></fingerprint>
  <fingerprint pattern="^(a)$"><description>d</description><param pos="3" name="x"/></fingerprint>
  <fingerprint pattern="^(\\w+\\s?)*$"><description>d</description></fingerprint>
  <fingerprint pattern="^a$"><description>d</description><example _encoding="base64">!!!</example></fingerprint>`),
    'mixed.xml',
  )
  assert.equal(mixed.fingerprints, 6)
  assert.deepEqual(
    mixed.rules.map((r) => r.regex.source),
    ['^ok$'.replace('^', '(?<![^\\n])').replace('$', '(?![^\\n])')],
  )
  assert.deepEqual(
    mixed.problems.map((p) => [p.line, p.message.replace(/:.*/, '')]),
    [
      [4, 'untranslatable pattern'],
      [5, 'fingerprint without a pattern'],
      [6, 'param x uses group 3, the pattern has 1'],
      [7, 'rejected (catastrophic backtracking)'],
      [8, 'an <example> has a bad base64 encoding'],
    ],
  )
})

test('a folder: unreadable, oversized and non-XML files are problems, not crashes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mamori-recog-'))
  try {
    writeFileSync(
      join(dir, 'a.xml'),
      wrap('<fingerprint pattern="^a$"><description>a</description></fingerprint>'),
    )
    writeFileSync(join(dir, 'b.xml'), 'not xml at all <<<')
    writeFileSync(join(dir, 'notes.txt'), 'ignored')
    const load = loadRecogDir(dir)
    assert.equal(load.rules.length, 1)
    assert.equal(load.problems.length, 1)
    assert.match(load.problems[0]?.file ?? '', /b\.xml$/)
    assert.match(
      loadRecogDir(join(dir, 'missing')).problems[0]?.message ?? '',
      /cannot read the Recog folder/,
    )
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

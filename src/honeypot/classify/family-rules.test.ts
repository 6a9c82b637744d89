import assert from 'node:assert/strict'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { classifyFamily, type SessionEvidence } from './classify-family.js'
import { type ExampleSession, loadFamilyRules } from './family-rules.js'

function evidence(s: ExampleSession): SessionEvidence {
  return {
    logins: s.logins.map(([username, password, success]) => ({ username, password, success })),
    sizes: s.sizes.map(([width, height]) => ({ width, height })),
    lines: s.lines,
    urls: s.urls,
  }
}

describe('family rules (data/honeypot/families.yaml)', () => {
  const rules = loadFamilyRules()
  for (const family of rules.families) {
    for (const ex of family.examples) {
      it(`${family.family}: ${ex.name}`, () => {
        const v = classifyFamily([evidence(ex.session)], rules)
        assert.equal(v.family, ex.expect, JSON.stringify(v.scores))
        if (ex.variant) assert.equal(v.variant, ex.variant)
        assert.ok(v.features.length > 0 && v.confidence >= family.threshold)
      })
    }
  }
  for (const ex of rules.unknown_examples) {
    it(`unknown: ${ex.name}`, () => {
      const v = classifyFamily([evidence(ex.session)], rules)
      assert.equal(v.family, 'unknown', JSON.stringify(v.scores))
      assert.deepEqual(v.features, [])
    })
  }

  it('a source is classified over all its sessions: one Mirai pair per connection, each too weak alone', () => {
    const one = (password: string): SessionEvidence => ({
      logins: [{ username: 'root', password, success: false }],
      sizes: [{ width: 80, height: 24 }],
      lines: [],
      urls: [],
    })
    assert.equal(classifyFamily([one('xc3511')]).family, 'unknown')
    const source = classifyFamily([one('xc3511'), one('vizxv'), { ...one('admin'), lines: ['enable'] }])
    assert.equal(source.family, 'unknown', 'credentials and NAWS alone are not enough')
    const scanner = classifyFamily([
      one('xc3511'),
      { ...one('vizxv'), lines: ['enable', 'system', 'shell', 'sh', '/bin/busybox MIRAI'] },
    ])
    assert.equal(scanner.family, 'mirai')
    assert.deepEqual(
      scanner.features.map((f) => f.id),
      ['mirai-credential', 'naws-80x24', 'enable-system-shell-sh', 'busybox-uppercase-token'],
    )
  })

  it('a rule file with a broken pattern or two predicates in one feature is refused with its path', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mamori-families-'))
    const file = join(dir, 'bad.yaml')
    writeFileSync(
      file,
      `families:\n  - family: x\n    description: d\n    source: s\n    threshold: 0.5\n    features:\n      - { id: a, description: d, weight: 0.5, line_matches: '(' }\n      - { id: b, description: d, weight: 0.5, naws: [80, 24], url_matches: x }\n    examples: [{ name: n, expect: x, session: {} }]\n`,
    )
    assert.throws(
      () => loadFamilyRules(file),
      (err: Error) =>
        err.message.includes(file) &&
        err.message.includes('bad pattern') &&
        err.message.includes('exactly one predicate'),
    )
  })
})

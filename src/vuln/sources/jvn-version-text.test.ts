import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { parseJvnVersionText } from './jvn-version-text.js'

describe('JVN VersionNumber text', () => {
  // real texts from the MyJVN samples in ../shared/data/vulns/jvn
  const cases: Array<[string, Record<string, string>]> = [
    ['ファームウェアバージョン 1.05およびそれ以前', { version: '0', lessThanOrEqual: '1.05' }],
    ['7.6.2より前のバージョン', { version: '0', lessThan: '7.6.2' }],
    ['Ver.1.2.4より前のバージョン（CVE-2025-0354、CVE-2025-0355）', { version: '0', lessThan: '1.2.4' }],
    ['7.7', { version: '7.7' }],
    ['2.0 未満', { version: '0', lessThan: '2.0' }],
    ['3.1 以下', { version: '0', lessThanOrEqual: '3.1' }],
    ['4.0 以降', { version: '4.0', lessThan: '*' }],
    ['1.0 から 1.9 まで', { version: '1.0', lessThanOrEqual: '1.9' }],
    ['5.2 and earlier', { version: '0', lessThanOrEqual: '5.2' }],
  ]
  for (const [text, want] of cases) {
    it(text, () => assert.deepEqual(parseJvnVersionText(text), { status: 'affected', ...want }))
  }
  it('keeps product lines and unreadable text as text (product-level match)', () => {
    for (const t of [
      'for NetApp 5.8 (Build 1299) 未満',
      'v6 R4 およびそれ以前のバージョン',
      'すべてのバージョン',
      '',
    ]) {
      assert.deepEqual(parseJvnVersionText(t), { status: 'affected', text: t })
    }
  })
})

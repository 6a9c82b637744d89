import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { attr, parseCpe } from '../../core/cpe.js'
import { compareAttribute, cpeNameMatch } from './cpe-match.js'

describe('NISTIR 7696 matching', () => {
  const v = (s: string) => attr(parseCpe(`cpe:2.3:a:v:${s}:*:*:*:*:*:*:*:*`), 'product')
  it('gives the Table 6-2 relations', () => {
    const any = attr(parseCpe('cpe:2.3:a:*:*:*:*:*:*:*:*:*:*'), 'vendor')
    const na = attr(parseCpe('cpe:2.3:a:-:*:*:*:*:*:*:*:*:*'), 'vendor')
    assert.equal(compareAttribute(any, any), 'equal')
    assert.equal(compareAttribute(any, na), 'superset')
    assert.equal(compareAttribute(any, v('x')), 'superset')
    assert.equal(compareAttribute(na, any), 'subset')
    assert.equal(compareAttribute(na, na), 'equal')
    assert.equal(compareAttribute(na, v('x')), 'disjoint')
    assert.equal(compareAttribute(v('x'), any), 'subset')
    assert.equal(compareAttribute(v('x'), na), 'disjoint')
    assert.equal(compareAttribute(v('x'), v('x')), 'equal')
    assert.equal(compareAttribute(v('x'), v('y')), 'disjoint')
    assert.equal(compareAttribute(v('dir-*'), v('dir-600')), 'superset')
    assert.equal(compareAttribute(v('?-600'), v('dir-600')), 'disjoint')
    assert.equal(compareAttribute(v('???-600'), v('dir-600')), 'superset')
    assert.equal(compareAttribute(v('dir-???'), v('dir-600')), 'superset')
    assert.equal(compareAttribute(v('x'), v('x*')), 'undefined')
  })

  it('matches a name only when every attribute is a superset or equal', () => {
    const src = parseCpe('cpe:2.3:o:huawei:hg532_firmware:*:*:*:*:*:*:*:*')
    assert.equal(cpeNameMatch(src, parseCpe('cpe:2.3:o:huawei:hg532_firmware:1.0:*:*:*:*:*:*:*')), true)
    assert.equal(cpeNameMatch(src, parseCpe('cpe:2.3:o:huawei:hg532e_firmware:1.0:*:*:*:*:*:*:*')), false)
    assert.equal(cpeNameMatch(src, parseCpe('cpe:2.3:h:huawei:hg532_firmware:1.0:*:*:*:*:*:*:*')), false)
    // SUBSET (the CVE names target_sw, the asset leaves it ANY) is not a match in 7696
    const jenkins = parseCpe('cpe:2.3:a:x:plugin:1.0:*:*:*:*:jenkins:*:*')
    assert.equal(cpeNameMatch(jenkins, parseCpe('cpe:2.3:a:x:plugin:1.0:*:*:*:*:*:*:*')), false)
  })
})

import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { MamoriError } from '../../core/errors.js'
import { attr, formatCpe, parseCpe, plainValue } from './cpe.js'
import { compareAttribute, cpeNameMatch } from './cpe-match.js'

describe('parseCpe / formatCpe', () => {
  it('round-trips formatted strings with escaped characters (real NVD names)', () => {
    for (const s of [
      'cpe:2.3:o:huawei:hg532_firmware:-:*:*:*:*:*:*:*',
      'cpe:2.3:o:hikvision:ds-2cd2412f-i\\(w\\)_firmware:-:*:*:*:*:*:*:*',
      'cpe:2.3:a:apache:xerces-c\\+\\+:3.1.1:*:*:*:*:*:*:*',
      'cpe:2.3:o:tp-link:archer_ax21_firmware:*:*:*:*:*:*:*:*',
      'cpe:2.3:a:acme:product:1.0\\:beta:*:*:*:*:*:*:*',
    ]) {
      assert.equal(formatCpe(parseCpe(s)), s)
    }
  })

  it('quotes ".", "-" in the WFN but binds them without backslash', () => {
    const w = parseCpe('cpe:2.3:a:dropbear_ssh_project:dropbear_ssh:2016.74:*:*:*:*:*:*:*')
    assert.deepEqual(attr(w, 'version'), { kind: 'value', v: '2016\\.74' })
    assert.equal(plainValue(attr(w, 'version')), '2016.74')
  })

  it('reads 2.2 URIs with percent escapes and packed editions', () => {
    const w = parseCpe('cpe:/a:rockwellautomation:industrial_data_center_%28idc%29_with_veeam')
    assert.equal(
      formatCpe(w),
      'cpe:2.3:a:rockwellautomation:industrial_data_center_\\(idc\\)_with_veeam:*:*:*:*:*:*:*:*',
    )
    const p = parseCpe('cpe:/a:hp:insight_diagnostics:7.4.0.1570:-:~~online~win2003~x64~')
    assert.equal(formatCpe(p), 'cpe:2.3:a:hp:insight_diagnostics:7.4.0.1570:-:*:*:online:win2003:x64:*')
    assert.equal(
      formatCpe(parseCpe('cpe:/o:planex:mzk-dp300n')),
      'cpe:2.3:o:planex:mzk-dp300n:*:*:*:*:*:*:*:*',
    )
  })

  it('lower-cases (matching is case-insensitive)', () => {
    assert.equal(
      formatCpe(parseCpe('cpe:2.3:O:Huawei:HG532_Firmware:*:*:*:*:*:*:*:*')),
      'cpe:2.3:o:huawei:hg532_firmware:*:*:*:*:*:*:*:*',
    )
  })

  it('refuses malformed names with a clear error', () => {
    const bad: Array<[string, RegExp]> = [
      ['cpe:2.3:o:huawei:hg532', /expected 11/],
      ['cpe:2.3:x:huawei:hg532:*:*:*:*:*:*:*:*', /part must be a, o or h/],
      ['cpe:2.3:a:ven*dor:p:*:*:*:*:*:*:*:*', /wildcard inside vendor/],
      ['cpe:2.3:a:v:p:1:*:*:*:*:*:*:\\', /lone backslash/],
      ['cpe:2.3:a::p:*:*:*:*:*:*:*:*', /empty vendor/],
      ['cpe:/a:v:p:%zz', /bad percent escape/],
      ['hg532', /must start with/],
      [`cpe:2.3:a:${'x'.repeat(2000)}:p:*:*:*:*:*:*:*:*`, /longer than/],
    ]
    for (const [text, re] of bad) {
      assert.throws(
        () => parseCpe(text),
        (e: unknown) => e instanceof MamoriError && e.code === 'ERR_CPE_SYNTAX' && re.test(e.message),
        text,
      )
    }
  })
})

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

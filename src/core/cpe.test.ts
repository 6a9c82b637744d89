import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { attr, formatCpe, parseCpe, plainValue } from './cpe.js'
import { MamoriError } from './errors.js'

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

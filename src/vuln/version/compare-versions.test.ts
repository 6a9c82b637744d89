import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { compareVersions } from './compare-versions.js'
import { inBounds, inVersRange } from './version-range.js'

describe('compareVersions', () => {
  const cases: Array<[string, string, -1 | 0 | 1 | null]> = [
    ['1.4.31', '1.4.35', -1],
    ['1.4.35', '1.4.35', 0],
    ['1.0', '1.0.0', 0],
    ['1.10', '1.9', 1],
    ['V1.0.2', '1.0.2', 0],
    ['v2.0.0.26', '2.0.0.3', 1],
    ['4.2.8p18', '4.2.8p9', 1], // grype#2844
    ['4.2.8', '4.2.8p1', -1],
    ['10.0r8', '10.0r8a', -1], // release order, not Rex::Version's
    ['10.0r8a', '10.0r8b', -1],
    ['1.0rc1', '1.0', -1],
    ['1.0-beta2', '1.0-rc1', -1],
    ['2016.74', '2017.75', -1],
    ['V5.4.5 build 170123', 'V5.4.5 build 170301', -1],
    ['V5.4.5 build 170123', 'V5.4.4 build 180101', 1],
    ['5.8 (Build 1577)', '5.8 (Build 1299)', 1],
    ['V5.4.5 build 170123', 'V5.4.5', null], // the build decides, one side lacks it
    ['1.0.0.52_1.0.36', '1.0.0.52_1.0.40', -1],
    ['1.0.0.52_1.0.36', '1.0.0.52', null],
    ['1.0.0.52_1.0.36', '1.0.0.50', 1],
    ['3.0.0.4.374_5656', '3.0.0.4.380_7266', -1],
    ['2,0,2,1', '2.0.2.0', 1], // Cisco commas
    ['1.05b03', '1.05b05', -1],
    ['1.05b03', '1.06', -1],
    ['1.05b03', '1.05', null], // b = beta or build
    ['20170123', '20180101', -1],
    ['2017-01-23', '20170123', 0],
    ['20170123', '1.2.3', null], // a date against a release number
    ['1.2.x', '1.2.3', null],
    ['', '1.0', null],
    ['not a version', '1.0', null],
    ['1'.repeat(200), '1.0', null], // absurd length
    ['1.0;rm -rf', '1.0', null],
    ['99999999999999999999999.1', '99999999999999999999999.2', -1], // beyond 2^53
  ]
  for (const [a, b, want] of cases) {
    it(`${JSON.stringify(a)} vs ${JSON.stringify(b)} → ${want}`, () => {
      assert.equal(compareVersions(a, b), want)
      if (want !== null) assert.equal(compareVersions(b, a), want === 0 ? 0 : -want)
    })
  }
})

describe('ranges', () => {
  it('NVD bounds: inclusive, exclusive, indeterminate', () => {
    assert.equal(inBounds('1.1.2', { endExcluding: '1.1.4' }), true)
    assert.equal(inBounds('1.1.4', { endExcluding: '1.1.4' }), false)
    assert.equal(inBounds('1.1.4', { endIncluding: '1.1.4' }), true)
    assert.equal(inBounds('0.9', { startIncluding: '1.00', endIncluding: '1.15' }), false)
    assert.equal(inBounds('1.05b03', { endIncluding: '1.05' }), null)
  })
  it('vers and CSAF vls ranges', () => {
    assert.equal(inVersRange('3.0.28', 'vers:generic/<3.0.29'), true)
    assert.equal(inVersRange('3.0.29', 'vers:generic/<3.0.29'), false)
    assert.equal(inVersRange('9.9', 'vers:all/*'), true)
    assert.equal(inVersRange('2.5', 'vers:npm/1.2.3|>=2.0.0|<5.0.0'), true)
    assert.equal(inVersRange('1.2.3', 'vers:npm/1.2.3|>=2.0.0|<5.0.0'), true)
    assert.equal(inVersRange('1.5', 'vers:npm/1.2.3|>=2.0.0|<5.0.0'), false)
    assert.equal(inVersRange('5.0.190', '<= 5.0.190'), true)
    assert.equal(inVersRange('V3.0.30', '<V3.0.29'), false)
    assert.equal(inVersRange('1.3.T', '1.3.T'), true)
    assert.equal(inVersRange('weird', '< 1.7'), null)
  })
})

import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { ConfigNode, CpeMatchEntry, VulnRecord } from '../model.js'
import { evaluateRecord } from './applicability.js'
import { assetFromCpes } from './asset.js'
import type { MatchMode } from './verdict.js'

const rec = (configurations: ConfigNode[], affected: VulnRecord['affected'] = []): VulnRecord => ({
  id: 'CVE-2000-0001',
  source: 'nvd',
  modified: '2020-01-01T00:00:00.000Z',
  cvss: {},
  aliases: [],
  configurations,
  affected,
})
const m = (criteria: string, extra: Partial<CpeMatchEntry> = {}): CpeMatchEntry => ({
  vulnerable: true,
  criteria,
  ...extra,
})
const app = (v: string) => `cpe:2.3:a:acme:httpd:${v}:*:*:*:*:*:*:*`
const status = (r: VulnRecord, cpes: string[], mode: MatchMode = 'strict') =>
  evaluateRecord(r, assetFromCpes(cpes), mode)?.status

describe('applicability engine', () => {
  it('a long exact-version list gives the same answers as the entries one by one', () => {
    const versions = ['1.0', '1.1', '1.2', '1.2.1', '1.3', '1.4b2', '1.5', '1.6', '1.7', '2.0rc1', '2.0']
    const grouped = rec([{ operator: 'OR', cpeMatch: versions.map((v) => m(app(v))) }])
    const single = rec([
      {
        operator: 'OR',
        cpeMatch: [],
        children: versions.map((v) => ({ operator: 'OR' as const, cpeMatch: [m(app(v))] })),
      },
    ])
    const probes = [
      '1.0',
      'V1.1',
      '1.2.1',
      '1.2.0',
      '1.4b2',
      '1.4',
      '2.0',
      '2.0.0',
      '2.1',
      'custom',
      '*',
      '-',
    ]
    for (const mode of ['strict', 'lenient'] as const) {
      for (const p of probes) {
        assert.equal(status(grouped, [app(p)], mode), status(single, [app(p)], mode), `${p} ${mode}`)
      }
    }
    assert.equal(status(grouped, [app('V1.1')]), 'affected')
    assert.equal(status(grouped, [app('2.1')]), undefined)
    assert.equal(status(grouped, [app('1.4')]), 'indeterminate') // 1.4 vs 1.4b2
    assert.equal(status(grouped, [app('*')]), 'indeterminate')
  })

  it('AND of firmware range and hardware platform; negate; platform-only never matches', () => {
    const fw = (v: string) => `cpe:2.3:o:acme:cam_firmware:${v}:*:*:*:*:*:*:*`
    const hw = (rev: string) => `cpe:2.3:h:acme:cam:${rev}:*:*:*:*:*:*:*`
    const r = rec([
      {
        operator: 'AND',
        cpeMatch: [],
        children: [
          {
            operator: 'OR',
            cpeMatch: [m('cpe:2.3:o:acme:cam_firmware:*:*:*:*:*:*:*:*', { endExcluding: '2.0' })],
          },
          {
            operator: 'OR',
            cpeMatch: [{ vulnerable: false, criteria: 'cpe:2.3:h:acme:cam:-:*:*:*:*:*:*:*' }],
          },
        ],
      },
    ])
    assert.equal(status(r, [fw('1.5'), hw('-')]), 'affected')
    assert.equal(status(r, [fw('1.5')]), 'affected') // hardware inferred from the firmware name
    assert.equal(status(r, [fw('2.0'), hw('-')]), undefined)
    assert.equal(status(r, [hw('-')]), undefined) // the platform alone
    assert.equal(status(r, [fw('1.5'), 'cpe:2.3:h:acme:other:-:*:*:*:*:*:*:*']), undefined)
    const negated = rec([
      {
        operator: 'AND',
        cpeMatch: [],
        children: [
          { operator: 'OR', cpeMatch: [m('cpe:2.3:a:acme:lib:*:*:*:*:*:*:*:*')] },
          { operator: 'OR', negate: true, cpeMatch: [m('cpe:2.3:a:acme:lib:1.2.3:*:*:*:*:*:*:*')] },
        ],
      },
    ])
    assert.equal(status(negated, ['cpe:2.3:a:acme:lib:1.0:*:*:*:*:*:*:*']), 'affected')
    assert.equal(status(negated, ['cpe:2.3:a:acme:lib:1.2.3:*:*:*:*:*:*:*']), undefined)
  })

  it('CVE 5 affected[]: first entry that holds, changes, defaultStatus, "2.*" series', () => {
    const r = rec(
      [],
      [
        {
          vendor: 'Acme',
          product: 'httpd',
          defaultStatus: 'unaffected',
          versions: [
            { version: '1.0', lessThan: '1.5', status: 'affected', versionType: 'custom' },
            {
              version: '2.0',
              lessThan: '2.*',
              status: 'affected',
              changes: [{ at: '2.4', status: 'unaffected' }],
            },
            { version: '3.0', status: 'affected' },
          ],
        },
      ],
    )
    assert.equal(status(r, [app('1.2')]), 'affected')
    assert.equal(status(r, [app('1.5')]), undefined)
    assert.equal(status(r, [app('2.3')]), 'affected')
    assert.equal(status(r, [app('2.4')]), undefined) // changed to unaffected
    assert.equal(status(r, [app('2.9.9')]), undefined)
    assert.equal(status(r, [app('3.0')]), 'affected')
    assert.equal(status(r, [app('x-9')]), 'indeterminate')
    assert.equal(status(r, [app('*')]), 'indeterminate')
  })
})

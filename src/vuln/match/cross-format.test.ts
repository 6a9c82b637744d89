import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { describe, it } from 'node:test'
import { gunzipSync } from 'node:zlib'
import { sharedData } from '../../testing/shared-data.js'
import type { VulnRecord } from '../model.js'
import { fromCve5 } from '../sources/cve5-record.js'
import { fromNvd11, fromNvd20 } from '../sources/nvd-record.js'
import type { Json } from '../sources/record-fields.js'
import { evaluateRecord } from './applicability.js'
import { assetFromCpes } from './asset.js'

const nvd11 = new Map(
  (
    JSON.parse(gunzipSync(readFileSync(sharedData('vulns', 'nvd-1.1-iot-subset.json.gz'))).toString())
      .CVE_Items as Json[]
  ).map((it) => [(it.cve as { CVE_data_meta: { ID: string } }).CVE_data_meta.ID, it]),
)
const cve5 = new Map(
  (
    JSON.parse(
      gunzipSync(readFileSync(sharedData('vulns', 'cve5-vulnrichment-iot.json.gz'))).toString(),
    ) as Json[]
  ).map((r) => [(r.cveMetadata as { cveId: string }).cveId, r]),
)
const nvd20 = (id: string) =>
  fromNvd20(JSON.parse(readFileSync(sharedData('vulns', 'nvd-api2', `${id}.json`), 'utf8')))

function statuses(rec: VulnRecord, assets: string[][]): Array<string | undefined> {
  return assets.map((cpes) => evaluateRecord(rec, assetFromCpes(cpes), 'strict')?.status)
}

const fw = (v: string, p: string, ver: string) => `cpe:2.3:o:${v}:${p}:${ver}:*:*:*:*:*:*:*`
const hw = (v: string, p: string, rev = '-') => `cpe:2.3:h:${v}:${p}:${rev}:*:*:*:*:*:*:*`

describe('the same CVE from NVD 1.1, NVD 2.0 and CVE 5 yields the same applicability', () => {
  it('CVE-2023-1389: NVD 1.1 feed and NVD API 2.0 give the same criteria, range and answers', () => {
    const a = fromNvd11(nvd11.get('CVE-2023-1389') as Json)
    const b = nvd20('CVE-2023-1389')
    const flat = (r: VulnRecord) =>
      JSON.stringify(
        r.configurations.map(function walk(n): unknown {
          return [n.operator, n.cpeMatch, (n.children ?? []).map(walk)]
        }),
      )
    assert.equal(flat(a), flat(b))
    const assets = ['1.1.2', '1.1.3', '1.1.4', '1.2', 'build-x'].map((v) => [
      fw('tp-link', 'archer_ax21_firmware', v),
      hw('tp-link', 'archer_ax21'),
    ])
    assert.deepEqual(statuses(a, assets), ['affected', 'affected', undefined, undefined, 'indeterminate'])
    assert.deepEqual(statuses(b, assets), statuses(a, assets))
  })

  const pairs: Array<[string, string, string, string, string[]]> = [
    // id, vendor, firmware product, hardware revision NVD names, versions to try (around the bounds)
    ['CVE-2015-2051', 'dlink', 'dir-645_firmware', 'a1', ['1.03', '1.04b12', '1.04b13', '1.05', '1.04']],
    ['CVE-2023-22299', 'milesight', 'ur32l_firmware', '-', ['32.3.0.5', '32.3.0.6', '32.3.0.4']],
    ['CVE-2023-24229', 'draytek', 'vigor2960_firmware', '-', ['1.5.1.4', '1.5.1.5', '1.5.1']],
    ['CVE-2023-24099', 'trendnet', 'tew-820ap_firmware', '1.0r', ['1.01.b01', '1.01.b02']],
  ]
  for (const [id, vendor, product, rev, versions] of pairs) {
    it(`${id}: NVD 1.1 and CVE 5 (CISA ADP) agree on ${product} ${versions.join(', ')}`, () => {
      const a = fromNvd11(nvd11.get(id) as Json)
      const b = fromCve5(cve5.get(id) as Json)
      const hwName = product.replace(/_firmware$/, '')
      const assets = versions.map((v) => [fw(vendor, product, v), hw(vendor, hwName, rev)])
      const got = statuses(a, assets)
      assert.ok(got.includes('affected'), `${id}: some version should be affected: ${got}`)
      assert.deepEqual(statuses(b, assets), got)
    })
  }
})

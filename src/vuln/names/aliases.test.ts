import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { describe, it } from 'node:test'
import { gunzipSync } from 'node:zlib'
import { formatCpe, parseCpe } from '../../core/cpe.js'
import { MamoriError } from '../../core/errors.js'
import { dataPath } from '../../core/paths.js'
import { sharedData } from '../../testing/shared-data.js'
import { aliasTable, canonicalVendor, parseAliases } from './aliases.js'
import { canonicalWfn, fingerprintCpes } from './fingerprint-cpes.js'

describe('alias table (data/vuln/aliases.yaml)', () => {
  it('every target vendor and product occurs in real NVD records', () => {
    const text = gunzipSync(readFileSync(sharedData('vulns', 'nvd-1.1-iot-subset.json.gz'))).toString()
    const t = aliasTable()
    for (const v of new Set(t.vendors.values()))
      assert.ok(text.includes(`:${v}:`), `vendor ${v} not in NVD data`)
    for (const p of t.products.values()) {
      assert.ok(
        text.includes(`cpe:2.3:${p.part}:${p.vendor}:${p.product}:`),
        `${p.part}:${p.vendor}:${p.product} not in NVD data`,
      )
    }
  })

  it('maps banner names to NVD names', () => {
    assert.equal(canonicalVendor('D-Link'), 'dlink')
    assert.equal(canonicalVendor('Huawei Technologies'), 'huawei')
    assert.equal(canonicalVendor('Some Vendor'), 'some_vendor')
    assert.deepEqual(
      fingerprintCpes({ vendor: 'Matt Johnston', product: 'Dropbear sshd', version: '2016.74', cpe: [] }).map(
        formatCpe,
      ),
      ['cpe:2.3:a:dropbear_ssh_project:dropbear_ssh:2016.74:*:*:*:*:*:*:*'],
    )
    assert.deepEqual(fingerprintCpes({ product: 'GoAhead-Webs', cpe: [] }).map(formatCpe), [
      'cpe:2.3:a:embedthis:goahead:*:*:*:*:*:*:*:*',
    ])
    assert.equal(
      formatCpe(canonicalWfn(parseCpe('cpe:/o:d-link:dir-600l_firmware:1.10'))),
      'cpe:2.3:o:dlink:dir-600l_firmware:1.10:*:*:*:*:*:*:*',
    )
    // unknown products without CPEs give nothing rather than a guess
    assert.deepEqual(fingerprintCpes({ vendor: 'Acme', product: 'Widget', version: '1', cpe: [] }), [])
    // a malformed CPE from a fingerprint is skipped, not fatal
    assert.deepEqual(fingerprintCpes({ cpe: ['cpe:2.3:broken'] }), [])
  })

  it('refuses a malformed alias file with the problem named', () => {
    const bad = (text: string, re: RegExp) =>
      assert.throws(
        () => parseAliases(text, 'x.yaml'),
        (e: unknown) => e instanceof MamoriError && e.code === 'ERR_DATA_INVALID' && re.test(e.message),
      )
    bad('vendors: {}\nproducts:\n  - cpe: dropbear\n    names: [x]\n', /cpe must be part:vendor:product/)
    bad('vendors: {}\nproducts:\n  - cpe: a:b:c\n    names: []\n', /names/)
    bad(
      'vendors: {}\nproducts:\n  - cpe: a:b:c\n    names: [x]\n  - cpe: a:b:d\n    names: [X]\n',
      /listed twice/,
    )
    assert.ok(readFileSync(dataPath('vuln', 'aliases.yaml'), 'utf8').length > 0)
  })
})

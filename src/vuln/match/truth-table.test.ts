import assert from 'node:assert/strict'
import { before, describe, it } from 'node:test'
import type { VulnDb } from '../db/vuln-db.js'
import { realVulnDb } from '../testing/real-vuln-db.js'
import type { MatchStatus } from './applicability.js'
import { assetFromCpes } from './asset.js'
import type { MatchMode } from './verdict.js'
import { VulnMatcher } from './vuln-matcher.js'

/**
 * (CPE, version) → expected CVEs, from the real NVD 1.1 / NVD 2.0 / CVE 5 / JVN records in
 * ../shared/data/vulns. Each expectation was read off the record's configuration: the comment
 * names the range that decides it. `exact` = the whole answer; `includes`/`excludes` = part of it.
 */
interface Case {
  cpes: string[]
  mode?: MatchMode
  exact?: Record<string, MatchStatus>
  includes?: Record<string, MatchStatus>
  excludes?: string[]
  kev?: string[]
}

const A: MatchStatus = 'affected'
const I: MatchStatus = 'indeterminate'
const fw = (vendor: string, product: string, version: string) =>
  `cpe:2.3:o:${vendor}:${product}:${version}:*:*:*:*:*:*:*`
const app = (vendor: string, product: string, version: string) =>
  `cpe:2.3:a:${vendor}:${product}:${version}:*:*:*:*:*:*:*`
const hw = (vendor: string, product: string, version = '-') =>
  `cpe:2.3:h:${vendor}:${product}:${version}:*:*:*:*:*:*:*`

const CASES: Record<string, Case> = {
  // Huawei HG532: firmware `hg532_firmware:-` AND hardware `hg532:-` (CVE-2017-17215)
  'HG532 firmware 1.0, strict: NVD names no version → indeterminate': {
    cpes: [fw('huawei', 'hg532_firmware', '1.0')],
    exact: { 'CVE-2017-17215': I },
  },
  'HG532 firmware 1.0, lenient: "-" read as every version → affected': {
    cpes: [fw('huawei', 'hg532_firmware', '1.0')],
    mode: 'lenient',
    exact: { 'CVE-2017-17215': A },
  },
  'HG532 firmware "-" with hardware hg532 → affected': {
    cpes: [fw('huawei', 'hg532_firmware', '-'), hw('huawei', 'hg532')],
    exact: { 'CVE-2017-17215': A },
  },
  'HG532 hardware alone (platform-only entry) → nothing': { cpes: [hw('huawei', 'hg532')], exact: {} },
  'HG532e hardware with hg532 firmware: 17215 names hg532 only; 7254 names the hg532e hardware vulnerable': {
    cpes: [fw('huawei', 'hg532_firmware', '-'), hw('huawei', 'hg532e')],
    exact: { 'CVE-2015-7254': A },
  },
  // Dropbear: 16 CVEs with plain ranges in the 1.1 feed
  'dropbear 2016.74: <2017.75 (9078/9079), <=2018.76 (15599)': {
    cpes: [app('dropbear_ssh_project', 'dropbear_ssh', '2016.74')],
    includes: { 'CVE-2017-9078': A, 'CVE-2017-9079': A, 'CVE-2018-15599': A },
    excludes: ['CVE-2016-7406', 'CVE-2016-7407', 'CVE-2016-3116', 'CVE-2013-4421', 'CVE-2012-0920'],
  },
  'dropbear 2016.73: <=2016.73 (7406-7409) now included': {
    cpes: [app('dropbear_ssh_project', 'dropbear_ssh', '2016.73')],
    includes: {
      'CVE-2016-7406': A,
      'CVE-2016-7407': A,
      'CVE-2016-7408': A,
      'CVE-2016-7409': A,
      'CVE-2017-9078': A,
    },
    excludes: ['CVE-2016-3116', 'CVE-2013-4434'],
  },
  'dropbear 2012.54: [0.52, 2012.54] (0920) and <2013.59': {
    cpes: [app('dropbear_ssh_project', 'dropbear_ssh', '2012.54')],
    includes: { 'CVE-2012-0920': A, 'CVE-2013-4421': A, 'CVE-2013-4434': A, 'CVE-2017-2659': A },
    excludes: ['CVE-2004-2486', 'CVE-2007-1099'],
  },
  'dropbear 0.42: the oldest ranges': {
    cpes: [app('dropbear_ssh_project', 'dropbear_ssh', '0.42')],
    includes: { 'CVE-2004-2486': A, 'CVE-2005-4178': A, 'CVE-2006-1206': A, 'CVE-2007-1099': A },
    excludes: ['CVE-2012-0920'],
  },
  'dropbear 2018.76: only <=2018.76 (15599)': {
    cpes: [app('dropbear_ssh_project', 'dropbear_ssh', '2018.76')],
    includes: { 'CVE-2018-15599': A },
    excludes: ['CVE-2017-9078', 'CVE-2017-9079', 'CVE-2016-7406'],
  },
  'dropbear with an unorderable version → ranges indeterminate, never affected': {
    cpes: [app('dropbear_ssh_project', 'dropbear_ssh', 'custom-build')],
    includes: { 'CVE-2017-9078': I, 'CVE-2018-15599': I, 'CVE-2004-2486': I },
  },
  'dropbear via the fingerprint alias name ("dropbear") is the same product': {
    cpes: [app('matt_johnston', 'dropbear', '2016.74')],
    exact: {},
  },
  // lighttpd
  'lighttpd 1.4.34: <1.4.35 (2323), <=1.4.35 (3200), <1.4.50 (19052)': {
    cpes: [app('lighttpd', 'lighttpd', '1.4.34')],
    includes: { 'CVE-2014-2323': A, 'CVE-2015-3200': A, 'CVE-2018-19052': A },
    excludes: ['CVE-2013-4559'],
  },
  'lighttpd 1.4.35: excluded by <1.4.35, included by <=1.4.35': {
    cpes: [app('lighttpd', 'lighttpd', '1.4.35')],
    includes: { 'CVE-2015-3200': A },
    excludes: ['CVE-2014-2323', 'CVE-2013-4508'],
  },
  'lighttpd 1.4.50: past every bounded range': {
    cpes: [app('lighttpd', 'lighttpd', '1.4.50')],
    excludes: ['CVE-2018-19052', 'CVE-2015-3200', 'CVE-2014-2323'],
  },
  // TP-Link Archer AX21 (NVD 1.1 and 2.0: firmware < 1.1.4 AND hardware archer_ax21)
  'Archer AX21 firmware 1.1.2 → CVE-2023-1389 affected, KEV': {
    cpes: [fw('tp-link', 'archer_ax21_firmware', '1.1.2')],
    includes: { 'CVE-2023-1389': A },
    kev: ['CVE-2023-1389'],
  },
  'Archer AX21 firmware 1.1.4 → fixed': {
    cpes: [fw('tp-link', 'archer_ax21_firmware', '1.1.4')],
    excludes: ['CVE-2023-1389'],
  },
  'Archer AX21 firmware "1.1.4 Build 20230219" vs bound 1.1.4: build only on one side → indeterminate': {
    cpes: [fw('tp-link', 'archer_ax21_firmware', '1.1.4\\ build\\ 20230219')],
    includes: { 'CVE-2023-1389': I },
  },
  'Archer AX21 hardware alone: NVD platform entry never matches; CVE 5 CNA names the device, version unknown':
    {
      cpes: [hw('tp-link', 'archer_ax21')],
      excludes: ['CVE-2023-1389'],
      includes: { 'CVE-2023-27332': I, 'CVE-2023-27333': I, 'CVE-2023-31710': I },
    },
  // Realtek SDK miniigd (CVE-2014-8361): a:realtek:realtek_sdk:- and D-Link firmware ranges
  'Realtek SDK "-" → affected': {
    cpes: [app('realtek', 'realtek_sdk', '-')],
    exact: { 'CVE-2014-8361': A },
  },
  'Realtek SDK 1.3, strict → indeterminate': {
    cpes: [app('realtek', 'realtek_sdk', '1.3')],
    exact: { 'CVE-2014-8361': I },
  },
  'D-Link DIR-600L firmware 1.10 on hardware a1 → affected (1.00..1.15)': {
    cpes: [fw('dlink', 'dir-600l_firmware', '1.10'), hw('dlink', 'dir-600l', 'a1')],
    includes: { 'CVE-2014-8361': A },
  },
  'D-Link DIR-600L firmware 1.10, hardware revision unknown → indeterminate': {
    cpes: [fw('dlink', 'dir-600l_firmware', '1.10')],
    includes: { 'CVE-2014-8361': I },
  },
  'D-Link DIR-600L firmware 1.16 on a1 → outside 1.00..1.15 and 2.00..2.05': {
    cpes: [fw('dlink', 'dir-600l_firmware', '1.16'), hw('dlink', 'dir-600l', 'a1')],
    excludes: ['CVE-2014-8361'],
  },
  'D-Link DIR-600L firmware 2.05 on b1 → affected (2.00..2.05)': {
    cpes: [fw('dlink', 'dir-600l_firmware', '2.05'), hw('dlink', 'dir-600l', 'b1')],
    includes: { 'CVE-2014-8361': A },
  },
  'D-Link DIR-600L firmware 1.10 on hardware c1 (not listed) → not 8361': {
    cpes: [fw('dlink', 'dir-600l_firmware', '1.10'), hw('dlink', 'dir-600l', 'c1')],
    excludes: ['CVE-2014-8361'],
  },
  // D-Link DIR-850L: 1.21b07 / 2.21b01 bounds and a "-" entry
  'DIR-850L firmware 1.21b07 → <=1.21b07 (20674/20675), 1.02..2.06 (9032), "-" (6563) indeterminate': {
    cpes: [fw('dlink', 'dir-850l_firmware', '1.21b07'), hw('dlink', 'dir-850l', 'a1')],
    includes: { 'CVE-2018-20674': A, 'CVE-2018-20675': A, 'CVE-2018-9032': A, 'CVE-2016-6563': I },
  },
  'DIR-850L firmware 2.07 → outside 9032': {
    cpes: [fw('dlink', 'dir-850l_firmware', '2.07'), hw('dlink', 'dir-850l', 'b1')],
    excludes: ['CVE-2018-9032'],
  },
  // Hikvision (CVE-2017-7921, the improper-authentication KEV entry): firmware "-" per model
  'Hikvision DS-2CD2032-I firmware 5.4.0 → 7921/7923 indeterminate (firmware "-")': {
    cpes: [fw('hikvision', 'ds-2cd2032-i_firmware', '5.4.0')],
    includes: { 'CVE-2017-7921': I, 'CVE-2017-7923': I },
  },
  'Hikvision escaped model name ds-2cd2412f-i(w) matches its escaped criteria': {
    cpes: ['cpe:2.3:o:hikvision:ds-2cd2412f-i\\(w\\)_firmware:-:*:*:*:*:*:*:*'],
    includes: { 'CVE-2017-7921': A },
  },
  'Hikvision camera model not in the record → not 7921': {
    cpes: [fw('hikvision', 'ds-9999-zz_firmware', '5.4.0')],
    excludes: ['CVE-2017-7921', 'CVE-2017-7923'],
  },
  // MikroTik RouterOS
  'RouterOS 6.42 → <=6.42 (14847, Winbox, KEV)': {
    cpes: [fw('mikrotik', 'routeros', '6.42')],
    includes: { 'CVE-2018-14847': A, 'CVE-2018-1156': A },
    excludes: ['CVE-2018-7445'],
    kev: ['CVE-2018-14847'],
  },
  'RouterOS 6.42.7 → past 14847 and 1156': {
    cpes: [fw('mikrotik', 'routeros', '6.42.7')],
    excludes: ['CVE-2018-14847', 'CVE-2018-1156', 'CVE-2018-7445'],
  },
  'RouterOS 6.41.2 → <6.41.3 (7445)': {
    cpes: [fw('mikrotik', 'routeros', '6.41.2')],
    includes: { 'CVE-2018-7445': A, 'CVE-2018-14847': A },
  },
  // NETGEAR R7000 (CVE-2016-6277, KEV): bound with a GUI-version tail
  'R7000 1.0.7.2_1.1.93 → <= 1.0.7.2_1.1.93 (6277)': {
    cpes: [fw('netgear', 'r7000_firmware', '1.0.7.2_1.1.93')],
    includes: { 'CVE-2016-6277': A },
    kev: ['CVE-2016-6277'],
  },
  'R7000 1.0.7.2 without its tail vs the bound 1.0.7.2_1.1.93 → indeterminate': {
    cpes: [fw('netgear', 'r7000_firmware', '1.0.7.2')],
    includes: { 'CVE-2016-6277': I },
  },
  'R7000 1.0.9.14 → past every <1.0.9.14 bound': {
    cpes: [fw('netgear', 'r7000_firmware', '1.0.9.14')],
    excludes: ['CVE-2017-18700', 'CVE-2017-18704', 'CVE-2016-6277'],
  },
  // Boa, GoAhead
  'Boa 0.94.14rc21 → exact 4496, <=0.94.14.21 (21027/21028)': {
    cpes: [app('boa', 'boa', '0.94.14rc21')],
    includes: { 'CVE-2009-4496': A, 'CVE-2018-21027': A, 'CVE-2018-21028': A },
    excludes: ['CVE-2016-9564'],
  },
  'GoAhead 3.6.4 → <3.6.5 (17562, KEV), exact list (14149), <4.0.1 (15504)': {
    cpes: [app('embedthis', 'goahead', '3.6.4')],
    includes: { 'CVE-2017-17562': A, 'CVE-2017-14149': A, 'CVE-2018-15504': A, 'CVE-2017-5674': I },
    excludes: ['CVE-2014-9707', 'CVE-2017-1000471'],
    kev: ['CVE-2017-17562'],
  },
  'GoAhead 4.0.1 → fixed for 15504/15505': {
    cpes: [app('embedthis', 'goahead', '4.0.1')],
    excludes: ['CVE-2018-15504', 'CVE-2018-15505', 'CVE-2017-17562'],
  },
  // CVE 5 (CISA ADP) ranges
  'DIR-645 firmware 1.03 (CVE 5 ADP: 1.03..1.04b12) → CVE-2015-2051 affected': {
    cpes: [fw('dlink', 'dir-645_firmware', '1.03')],
    includes: { 'CVE-2015-2051': A },
  },
  'TOTOLINK A702R firmware 2.1.3 (CVE 5 ADP: <= 2.1.3) → CVE-2019-19824 affected': {
    cpes: [fw('totolink', 'a702r_firmware', '2.1.3')],
    includes: { 'CVE-2019-19824': A },
  },
  'TOTOLINK A702R firmware 2.1.4 → not 19824': {
    cpes: [fw('totolink', 'a702r_firmware', '2.1.4')],
    excludes: ['CVE-2019-19824'],
  },
  // JVN VULDEF (JVNDB-2025-000001: Planex MZK-DP300N, "ファームウェアバージョン 1.05およびそれ以前")
  'Planex MZK-DP300N 1.05 (JVN ≤ 1.05) → affected': {
    cpes: [fw('planex', 'mzk-dp300n', '1.05')],
    includes: { 'CVE-2025-21603': A },
  },
  'Planex MZK-DP300N 1.06 → not affected': {
    cpes: [fw('planex', 'mzk-dp300n', '1.06')],
    excludes: ['CVE-2025-21603'],
  },
  // negatives: devices that must match nothing in 2017 NVD + the IoT subset
  'negative: unknown vendor firmware': { cpes: [fw('mamori_lab', 'cam100_firmware', '1.0')], exact: {} },
  'negative: vendor ANY is never a candidate': {
    cpes: ['cpe:2.3:a:*:lighttpd:1.4.31:*:*:*:*:*:*:*'],
    exact: {},
  },
  'negative: Hikvision hardware only': { cpes: [hw('hikvision', 'ds-2cd2032-i')], exact: {} },
  'negative: D-Link DIR-850L hardware only': { cpes: [hw('dlink', 'dir-850l', 'a1')], exact: {} },
  'negative: TP-Link firmware of another model': {
    cpes: [fw('tp-link', 'archer_zz99_firmware', '1.0.0')],
    exact: {},
  },
}

describe('vulnerability truth table (real records)', () => {
  let db: VulnDb
  before(async () => {
    db = (await realVulnDb()).db
  })

  it(`has at least 40 cases (${Object.keys(CASES).length})`, () => {
    assert.ok(Object.keys(CASES).length >= 40)
  })

  for (const [name, tc] of Object.entries(CASES)) {
    it(name, () => {
      const matcher = new VulnMatcher(db, { mode: tc.mode ?? 'strict' })
      const got = matcher.match(assetFromCpes(tc.cpes))
      const byId = new Map(got.map((m) => [m.id, m]))
      const summary = Object.fromEntries(got.map((m) => [m.id, m.status]))
      if (tc.exact) assert.deepEqual(summary, tc.exact)
      for (const [id, status] of Object.entries(tc.includes ?? {})) {
        assert.equal(
          byId.get(id)?.status,
          status,
          `${id} expected ${status}, got ${JSON.stringify(byId.get(id))}`,
        )
      }
      for (const id of tc.excludes ?? [])
        assert.equal(byId.has(id), false, `${id} must not match: ${byId.get(id)?.reason}`)
      for (const id of tc.kev ?? []) assert.equal(byId.get(id)?.kev, true, `${id} should be KEV`)
      for (const m of got) assert.ok(m.reason.length > 0)
    })
  }
})

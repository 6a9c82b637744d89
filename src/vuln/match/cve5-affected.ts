import { attr, type CpeAttribute, plainValue, type Wfn } from '../../core/cpe.js'
import { compareAttribute, compareNames } from '../cpe/cpe-match.js'
import type { AffectedProduct, AffectedVersion } from '../model.js'
import { canonicalProduct, canonicalVendor } from '../names/aliases.js'
import { compareVersions } from '../version/compare-versions.js'
import { inVersRange } from '../version/version-range.js'
import { type Asset, partOf, versionOf } from './asset.js'
import { criteriaWfn } from './match-cache.js'
import { type Eval, type MatchMode, NO, quicklyDisjoint, State } from './verdict.js'

// CVE JSON 5 style `affected[]` products (also CSAF and JVN, imported into the same shape): the
// product must name the asset, then the version algorithm decides.

const NOT_VERSION: CpeAttribute[] = ['version']

export function evalProduct(p: AffectedProduct, asset: Asset, mode: MatchMode): Eval {
  let best: Eval = NO
  const label = productLabel(p)
  for (const t of asset.cpes) {
    const named = productNames(p, t, mode)
    if (named === State.no) continue
    const v = versionsState(p, firmwareVersionOf(asset, t) ?? versionOf(t))
    const state = Math.min(named, v.state) as State
    if (state > best.state) best = { state, why: [`${label}${v.note ? ` [${v.note}]` : ''}`] }
  }
  return best
}

/**
 * A CVE 5 product that names the device (`Milesight UR32L`, versions `v32.3.0.5`) matches the
 * asset's hardware CPE, whose version is a revision (a1); the versions listed are then the
 * firmware's (`o:milesight:ur32l_firmware`), when the asset has one.
 */
function firmwareVersionOf(asset: Asset, hardware: Wfn): string | undefined {
  if (partOf(hardware) !== 'h') return undefined
  const vendor = attr(hardware, 'vendor')
  const product = `${plainValue(attr(hardware, 'product'))}_firmware`
  for (const w of asset.cpes) {
    if (
      partOf(w) === 'o' &&
      compareAttribute(attr(w, 'vendor'), vendor) === 'equal' &&
      plainValue(attr(w, 'product')) === product
    ) {
      return versionOf(w)
    }
  }
  return undefined
}

function productLabel(p: AffectedProduct): string {
  const name = p.cpes?.[0] ?? `${p.vendor ?? '?'} ${p.product ?? '?'}`
  return name
}

/** How well the product names the asset CPE: by its CPEs, else by canonical vendor and product. */
function productNames(p: AffectedProduct, t: Wfn, mode: MatchMode): State {
  if (p.cpes && p.cpes.length > 0) {
    let best: State = State.no
    for (const c of p.cpes) {
      const w = criteriaWfn(c)
      if (!w || quicklyDisjoint(w, t)) continue
      const rels = compareNames(w, t, NOT_VERSION)
      if (rels.some((r) => r === 'disjoint' || r === 'undefined')) continue
      if (rels.includes('subset')) {
        if (mode === 'lenient' && best < State.indeterminate) best = State.indeterminate
        continue
      }
      return State.affected
    }
    return best
  }
  if (!p.vendor || !p.product) return State.no
  const vendor = canonicalVendor(p.vendor)
  const tVendor = attr(t, 'vendor')
  const tProduct = attr(t, 'product')
  if (tVendor.kind !== 'value' || tProduct.kind !== 'value') return State.no
  const tv = tVendor.v.replace(/\\(.)/g, '$1')
  const tp = tProduct.v.replace(/\\(.)/g, '$1')
  return vendor === tv && canonicalProduct(vendor, p.product) === tp ? State.affected : State.no
}

type Status = AffectedVersion['status']

/** CVE JSON 5 version algorithm: the first entry that holds the version gives its status. */
function versionsState(p: AffectedProduct, version: string | undefined): { state: State; note?: string } {
  const versions = p.versions ?? []
  const def = p.defaultStatus ?? 'unknown'
  const anyAffected = def === 'affected' || versions.some((v) => v.status === 'affected')
  if (version === undefined)
    return anyAffected ? { state: State.indeterminate, note: 'asset version unknown' } : { state: State.no }
  let uncertain: string | undefined
  for (const entry of versions) {
    const r = entryHolds(entry, version)
    if (r.holds === null) {
      if (entry.status === 'affected' && !uncertain) uncertain = r.note
      continue
    }
    if (!r.holds) continue
    const status = applyChanges(entry, version)
    if (status === 'affected')
      return uncertain
        ? { state: State.indeterminate, note: uncertain }
        : { state: State.affected, note: r.note }
    return uncertain ? { state: State.indeterminate, note: uncertain } : { state: State.no }
  }
  if (uncertain) return { state: State.indeterminate, note: uncertain }
  return def === 'affected' ? { state: State.affected, note: 'defaultStatus affected' } : { state: State.no }
}

function entryHolds(e: AffectedVersion, v: string): { holds: boolean | null; note?: string } {
  if (e.text !== undefined) return { holds: null, note: `version text "${e.text}" is not a range` }
  if (e.vers !== undefined) {
    const r = inVersRange(v, e.vers)
    return r === null ? { holds: null, note: `"${v}" cannot be ordered in ${e.vers}` } : { holds: r }
  }
  const upper = e.lessThan ?? e.lessThanOrEqual
  if (upper !== undefined) {
    const lower = e.version ?? '0'
    const lo = lower === '0' || lower === '*' || lower === '' ? 1 : compareVersions(v, lower)
    let hiOk: boolean | null
    if (upper === '*') hiOk = true
    else if (upper.endsWith('.*')) hiOk = inSeries(v, upper.slice(0, -2))
    else {
      const c = compareVersions(v, upper)
      hiOk = c === null ? null : e.lessThan !== undefined ? c < 0 : c <= 0
    }
    if (lo === null || hiOk === null)
      return { holds: null, note: `"${v}" cannot be ordered against ${lower}..${upper}` }
    return { holds: lo >= 0 && hiOk }
  }
  const exact = e.version
  if (exact === undefined) return { holds: false }
  if (exact === '*' || exact.toLowerCase() === 'all versions') return { holds: true }
  if (exact.toLowerCase() === v.toLowerCase()) return { holds: true }
  const c = compareVersions(v, exact)
  return c === null ? { holds: null, note: `"${v}" cannot be compared with "${exact}"` } : { holds: c === 0 }
}

/** `lessThan: "2.*"` = up to the end of the 2.x series. */
function inSeries(v: string, prefix: string): boolean | null {
  const c = compareVersions(v, prefix)
  if (c === null) return null
  if (c <= 0) return true
  const lowered = v.toLowerCase().replace(/^v/, '')
  return lowered === prefix || lowered.startsWith(`${prefix}.`)
}

function applyChanges(e: AffectedVersion, v: string): Status {
  let status: Status = e.status
  const changes = [...(e.changes ?? [])].sort((a, b) => compareVersions(a.at, b.at) ?? 0)
  for (const ch of changes) {
    const c = compareVersions(v, ch.at)
    if (c !== null && c >= 0) status = ch.status
  }
  return status
}

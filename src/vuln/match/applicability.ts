import {
  attr,
  CPE_ATTRIBUTES,
  type CpeAttribute,
  type CpeValue,
  hasWildcard,
  plainValue,
  tryParseCpe,
  vendorProductOf,
  type Wfn,
} from '../../core/cpe.js'
import { compareAttribute, compareNames } from '../cpe/cpe-match.js'
import type { AffectedProduct, AffectedVersion, ConfigNode, CpeMatchEntry, VulnRecord } from '../model.js'
import { canonicalProduct, canonicalVendor } from '../names/aliases.js'
import { compareVersions } from '../version/compare-versions.js'
import { hasBounds, inBounds, inVersRange } from '../version/version-range.js'
import { type Asset, partOf, versionOf } from './asset.js'

/**
 * strict: NISTIR 7696 as written; an attribute the CVE names but the asset leaves ANY (SUBSET)
 *   is no match, and NVD's NA version (`hg532_firmware:-`) against a concrete version is
 *   indeterminate.
 * lenient: SUBSET attributes give an indeterminate match, and an NA version is read as NVD uses
 *   it for un-versioned firmware entries: every version.
 */
export type MatchMode = 'strict' | 'lenient'

export type MatchStatus = 'affected' | 'indeterminate'

/** Why a record applies: the status and the configuration or product entry that decided it. */
export interface Applicability {
  status: MatchStatus
  reason: string
}

type State = 0 | 1 | 2 // no, indeterminate, affected
interface Eval {
  state: State
  why: string[]
}
const NO: Eval = { state: 0, why: [] }

const criteriaCache = new Map<string, Wfn | null>()
function criteriaWfn(c: string): Wfn | undefined {
  let w = criteriaCache.get(c)
  if (w === undefined) {
    if (criteriaCache.size > 500_000) criteriaCache.clear()
    w = tryParseCpe(c) ?? null
    criteriaCache.set(c, w)
  }
  return w ?? undefined
}

/**
 * Decides whether a record applies to an asset: NVD configurations (AND/OR nodes, negate,
 * vulnerable vs platform entries) and CVE 5 style affected products (also CSAF, JVN), in
 * three-valued logic. Returns undefined when the record does not apply.
 */
export function evaluateRecord(record: VulnRecord, asset: Asset, mode: MatchMode): Applicability | undefined {
  let best: Eval = NO
  let cfgIndex = 0
  for (const cfg of record.configurations) {
    cfgIndex++
    if (!namesAsset(cfg, asset)) continue
    const e = evalNode(cfg, asset, mode)
    if (e.state > best.state && e.why.some((w) => w.startsWith('vulnerable'))) {
      best = { state: e.state, why: [`${record.source} configuration ${cfgIndex}: ${e.why.join('; ')}`] }
    }
    if (best.state === 2) break
  }
  if (best.state < 2) {
    for (const p of record.affected) {
      const e = evalProduct(p, asset, mode)
      if (e.state > best.state)
        best = { state: e.state, why: [`${record.source} affected: ${e.why.join('; ')}`] }
      if (best.state === 2) break
    }
  }
  if (best.state === 0) return undefined
  return { status: best.state === 2 ? 'affected' : 'indeterminate', reason: best.why.join('; ') }
}

const configKeys = new WeakMap<ConfigNode, Set<string> | 'wildcard'>()

/**
 * Whether a configuration has a vulnerable entry for one of the asset's products; one that has
 * none cannot apply (platform entries alone never make a match), so it is not evaluated.
 */
function namesAsset(cfg: ConfigNode, asset: Asset): boolean {
  let keys = configKeys.get(cfg)
  if (keys === undefined) {
    const set = new Set<string>()
    let wild = false
    const walk = (n: ConfigNode) => {
      for (const m of n.cpeMatch) {
        if (!m.vulnerable) continue
        const vp = vendorProductOf(m.criteria)
        if (!vp || /[*?]/.test(vp[0]) || /[*?]/.test(vp[1])) wild = true
        else set.add(`${vp[0]}:${vp[1]}`)
      }
      for (const c of n.children ?? []) walk(c)
    }
    walk(cfg)
    keys = wild ? 'wildcard' : set
    configKeys.set(cfg, keys)
  }
  if (keys === 'wildcard') return true
  for (const k of asset.keys) if (keys.has(k)) return true
  return false
}

/**
 * Vulnerable entries of one OR node that differ only in a concrete version (NVD lists hundreds,
 * `linux_kernel:4.0`, `4.0.1`, …): the name is compared once, the version looked up.
 */
interface ExactGroup {
  crit: Wfn
  byVersion: Map<string, CpeMatchEntry>
  versions: Array<[string, CpeMatchEntry]>
}
interface NodePlan {
  groups: ExactGroup[]
  rest: CpeMatchEntry[]
}
const plans = new WeakMap<ConfigNode, NodePlan>()
const GROUP_MIN = 8

function planOf(node: ConfigNode): NodePlan {
  let plan = plans.get(node)
  if (plan) return plan
  plan = { groups: [], rest: [] }
  if (node.operator !== 'OR' || node.cpeMatch.length < GROUP_MIN) plan.rest = node.cpeMatch
  else {
    const groups = new Map<string, ExactGroup>()
    for (const m of node.cpeMatch) {
      const w = criteriaWfn(m.criteria)
      const v = w ? attr(w, 'version') : undefined
      if (
        !w ||
        !v ||
        !m.vulnerable ||
        hasBounds(m) ||
        partOf(w) === 'h' ||
        v.kind !== 'value' ||
        hasWildcard(v)
      ) {
        plan.rest.push(m)
        continue
      }
      const key = w.map((a, i) => (i === VERSION_INDEX ? '' : a.kind === 'value' ? a.v : a.kind)).join(':')
      let g = groups.get(key)
      if (!g) {
        g = { crit: w, byVersion: new Map(), versions: [] }
        groups.set(key, g)
      }
      const plain = plainValue(v)
      if (!g.byVersion.has(plain)) g.byVersion.set(plain, m)
      g.versions.push([plain, m])
    }
    plan.groups = [...groups.values()]
  }
  plans.set(node, plan)
  return plan
}

/** Same answer as evaluating each entry of the group with evalEntry and taking the best. */
function evalGroup(g: ExactGroup, asset: Asset, mode: MatchMode): Eval {
  let best: Eval = NO
  for (const t of asset.cpes) {
    if (quicklyDisjoint(g.crit, t)) continue
    let cap: State = 2
    let named = true
    for (let i = 0; i < g.crit.length && named; i++) {
      if (i === VERSION_INDEX) continue
      const r = compareAttribute(g.crit[i] as CpeValue, t[i] as CpeValue)
      if (r === 'disjoint' || r === 'undefined') named = false
      else if (r === 'subset') {
        if (mode === 'strict') named = false
        cap = 1
      }
    }
    if (!named) continue
    const av = versionOf(t)
    let state: State = 0
    let entry: CpeMatchEntry | undefined
    let note: string | undefined
    if (av === undefined) {
      if (attr(t, 'version').kind === 'na') continue
      state = 1
      entry = g.versions[0]?.[1]
      note = 'asset version unknown'
    } else {
      entry = g.byVersion.get(av)
      if (entry) state = 2
      else {
        for (const [v, m] of g.versions) {
          const c = compareVersions(av, v)
          if (c === 0) {
            state = 2
            entry = m
            note = undefined
            break
          }
          if (c === null && state === 0) {
            state = 1
            entry = m
            note = `version "${av}" cannot be compared`
          }
        }
      }
    }
    const capped = Math.min(cap, state) as State
    if (entry && capped > best.state)
      best = { state: capped, why: [`${entryLabel(entry)}${note ? ` [${note}]` : ''}`] }
  }
  return best
}

function evalNode(node: ConfigNode, asset: Asset, mode: MatchMode): Eval {
  const parts: Eval[] = []
  const plan = planOf(node)
  for (const g of plan.groups) parts.push(evalGroup(g, asset, mode))
  for (const m of plan.rest) parts.push(evalEntry(m, asset, mode))
  for (const c of node.children ?? []) parts.push(evalNode(c, asset, mode))
  let out: Eval
  if (node.operator === 'AND') {
    const min = Math.min(2, ...parts.map((p) => p.state)) as State
    out = parts.length === 0 || min === 0 ? NO : { state: min, why: parts.flatMap((p) => p.why) }
  } else {
    const max = Math.max(0, ...parts.map((p) => p.state)) as State
    out = max === 0 ? NO : { state: max, why: parts.filter((p) => p.state === max).flatMap((p) => p.why) }
  }
  if (node.negate) {
    if (out.state === 1) return out
    return out.state === 2 ? NO : { state: 2, why: ['negated node did not match'] }
  }
  return out
}

const NOT_VERSION: CpeAttribute[] = ['version']
const VERSION_INDEX = CPE_ATTRIBUTES.indexOf('version')

function describeBounds(m: CpeMatchEntry): string {
  const b: string[] = []
  if (m.startIncluding) b.push(`>= ${m.startIncluding}`)
  if (m.startExcluding) b.push(`> ${m.startExcluding}`)
  if (m.endIncluding) b.push(`<= ${m.endIncluding}`)
  if (m.endExcluding) b.push(`< ${m.endExcluding}`)
  return b.length ? ` (${b.join(', ')})` : ''
}

function entryLabel(m: CpeMatchEntry): string {
  return `${m.vulnerable ? 'vulnerable' : 'running on'} ${m.criteria}${describeBounds(m)}`
}

function evalEntry(m: CpeMatchEntry, asset: Asset, mode: MatchMode): Eval {
  const crit = criteriaWfn(m.criteria)
  if (!crit) return NO
  let best: Eval = NO
  for (const t of asset.cpes) best = consider(m, crit, t, false, mode, best)
  if (!m.vulnerable && best.state < 2) {
    for (const t of asset.inferred) best = consider(m, crit, t, true, mode, best)
    const part = partOf(crit)
    const knowsPart =
      asset.cpes.some((t) => partOf(t) === part) || asset.inferred.some((t) => partOf(t) === part)
    if (!knowsPart && best.state === 0)
      best = { state: 1, why: [`${entryLabel(m)} [platform not fingerprinted]`] }
  }
  return best
}

/** One entry against one asset CPE; returns the better of `best` and this answer. */
function consider(
  m: CpeMatchEntry,
  crit: Wfn,
  target: Wfn,
  inferred: boolean,
  mode: MatchMode,
  best: Eval,
): Eval {
  if (quicklyDisjoint(crit, target)) return best
  let cap: State = 2
  for (let i = 0; i < crit.length; i++) {
    if (i === VERSION_INDEX) continue
    const r = compareAttribute(crit[i] as CpeValue, target[i] as CpeValue)
    if (r === 'disjoint' || r === 'undefined') return best
    if (r === 'subset') {
      if (mode === 'strict') return best
      cap = 1
    }
  }
  const v = inferred ? inferredVersion(crit) : versionState(crit, target, m, mode)
  const state = Math.min(cap, v.state) as State
  if (state <= best.state) return best
  const note = inferred ? ' [platform inferred from firmware name]' : ''
  return { state, why: [`${entryLabel(m)}${note}${v.note ? ` [${v.note}]` : ''}`] }
}

/** Cheap pre-check on part, vendor and product (most entries of a record name other products). */
function quicklyDisjoint(crit: Wfn, target: Wfn): boolean {
  for (let i = 0; i < 3; i++) {
    const a = crit[i] as CpeValue
    const b = target[i] as CpeValue
    if (a.kind === 'value' && b.kind === 'value' && a.v !== b.v && !hasWildcard(a)) return true
  }
  return false
}

function inferredVersion(crit: Wfn): { state: State; note?: string } {
  const k = attr(crit, 'version').kind
  return k === 'any' || k === 'na' ? { state: 2 } : { state: 1, note: 'hardware revision not known' }
}

function versionState(
  crit: Wfn,
  target: Wfn,
  m: CpeMatchEntry,
  mode: MatchMode,
): { state: State; note?: string } {
  const cv = attr(crit, 'version')
  const tv = attr(target, 'version')
  const assetVersion = versionOf(target)
  if (hasBounds(m)) {
    if (assetVersion === undefined) return { state: 1, note: 'asset version unknown' }
    const r = inBounds(assetVersion, m)
    if (r === null)
      return { state: 1, note: `version "${assetVersion}" cannot be ordered against the bounds` }
    return { state: r ? 2 : 0 }
  }
  if (cv.kind === 'any') return { state: 2 }
  // hardware: NVD writes "-" for "no revision named" and revisions (a1, b1) are names, not versions
  if (partOf(crit) === 'h') {
    if (cv.kind === 'na') return { state: 2 }
    if (tv.kind === 'any') return { state: 1, note: 'hardware revision not known' }
    return { state: compareAttribute(cv, tv) === 'equal' ? 2 : 0 }
  }
  if (cv.kind === 'na') {
    if (tv.kind === 'na') return { state: 2 }
    if (mode === 'lenient') return { state: 2, note: 'NVD names no version: all versions' }
    return { state: 1, note: 'NVD names no version ("-")' }
  }
  if (assetVersion === undefined)
    return tv.kind === 'na' ? { state: 0 } : { state: 1, note: 'asset version unknown' }
  const rel = compareAttribute(cv, tv)
  if (rel === 'equal' || rel === 'superset') return { state: 2 }
  const c = compareVersions(assetVersion, (versionOf(crit) as string) ?? '')
  if (c === null) return { state: 1, note: `version "${assetVersion}" cannot be compared` }
  return { state: c === 0 ? 2 : 0 }
}

/** CVE 5 `affected[]` product: the product must name the asset, then the version algorithm decides. */
function evalProduct(p: AffectedProduct, asset: Asset, mode: MatchMode): Eval {
  let best: Eval = NO
  const label = productLabel(p)
  for (const t of asset.cpes) {
    const named = productNames(p, t, mode)
    if (named === 0) continue
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

function productNames(p: AffectedProduct, t: Wfn, mode: MatchMode): State {
  if (p.cpes && p.cpes.length > 0) {
    let best: State = 0
    for (const c of p.cpes) {
      const w = criteriaWfn(c)
      if (!w || quicklyDisjoint(w, t)) continue
      const rels = compareNames(w, t, NOT_VERSION)
      if (rels.some((r) => r === 'disjoint' || r === 'undefined')) continue
      if (rels.includes('subset')) {
        if (mode === 'lenient' && best < 1) best = 1
        continue
      }
      return 2
    }
    return best
  }
  if (!p.vendor || !p.product) return 0
  const vendor = canonicalVendor(p.vendor)
  const tVendor = attr(t, 'vendor')
  const tProduct = attr(t, 'product')
  if (tVendor.kind !== 'value' || tProduct.kind !== 'value') return 0
  const tv = tVendor.v.replace(/\\(.)/g, '$1')
  const tp = tProduct.v.replace(/\\(.)/g, '$1')
  return vendor === tv && canonicalProduct(vendor, p.product) === tp ? 2 : 0
}

type Status = AffectedVersion['status']

/** CVE JSON 5 version algorithm: the first entry that holds the version gives its status. */
function versionsState(p: AffectedProduct, version: string | undefined): { state: State; note?: string } {
  const versions = p.versions ?? []
  const def = p.defaultStatus ?? 'unknown'
  const anyAffected = def === 'affected' || versions.some((v) => v.status === 'affected')
  if (version === undefined) return anyAffected ? { state: 1, note: 'asset version unknown' } : { state: 0 }
  let uncertain: string | undefined
  for (const entry of versions) {
    const r = entryHolds(entry, version)
    if (r.holds === null) {
      if (entry.status === 'affected' && !uncertain) uncertain = r.note
      continue
    }
    if (!r.holds) continue
    const status = applyChanges(entry, version)
    if (status === 'affected') return uncertain ? { state: 1, note: uncertain } : { state: 2, note: r.note }
    return uncertain ? { state: 1, note: uncertain } : { state: 0 }
  }
  if (uncertain) return { state: 1, note: uncertain }
  return def === 'affected' ? { state: 2, note: 'defaultStatus affected' } : { state: 0 }
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

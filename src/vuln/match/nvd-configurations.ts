import { attr, type CpeValue, type Wfn } from '../../core/cpe.js'
import { compareAttribute } from '../cpe/cpe-match.js'
import type { ConfigNode, CpeMatchEntry } from '../model.js'
import { compareVersions } from '../version/compare-versions.js'
import { hasBounds, inBounds } from '../version/version-range.js'
import { type Asset, partOf, versionOf } from './asset.js'
import { criteriaWfn, type ExactGroup, planOf, VERSION_INDEX, vulnerableKeysOf } from './match-cache.js'
import { type Eval, type MatchMode, NO, quicklyDisjoint, State } from './verdict.js'

// NVD configurations: trees of AND/OR nodes (negate, vulnerable vs platform entries) over CPE
// match entries with optional version bounds.

/**
 * Whether a configuration has a vulnerable entry for one of the asset's products; one that has
 * none cannot apply (platform entries alone never make a match), so it is not evaluated.
 */
export function namesAsset(cfg: ConfigNode, asset: Asset): boolean {
  const keys = vulnerableKeysOf(cfg)
  if (keys === 'wildcard') return true
  for (const k of asset.keys) if (keys.has(k)) return true
  return false
}

export function evalNode(node: ConfigNode, asset: Asset, mode: MatchMode): Eval {
  const parts: Eval[] = []
  const plan = planOf(node)
  for (const g of plan.groups) parts.push(evalGroup(g, asset, mode))
  for (const m of plan.rest) parts.push(evalEntry(m, asset, mode))
  for (const c of node.children ?? []) parts.push(evalNode(c, asset, mode))
  let out: Eval
  if (node.operator === 'AND') {
    const min = Math.min(State.affected, ...parts.map((p) => p.state)) as State
    out = parts.length === 0 || min === State.no ? NO : { state: min, why: parts.flatMap((p) => p.why) }
  } else {
    const max = Math.max(State.no, ...parts.map((p) => p.state)) as State
    out =
      max === State.no ? NO : { state: max, why: parts.filter((p) => p.state === max).flatMap((p) => p.why) }
  }
  if (node.negate) {
    if (out.state === State.indeterminate) return out
    return out.state === State.affected ? NO : { state: State.affected, why: ['negated node did not match'] }
  }
  return out
}

/** Same answer as evaluating each entry of the group with evalEntry and taking the best. */
function evalGroup(g: ExactGroup, asset: Asset, mode: MatchMode): Eval {
  let best: Eval = NO
  for (const t of asset.cpes) {
    if (quicklyDisjoint(g.crit, t)) continue
    let cap: State = State.affected
    let named = true
    for (let i = 0; i < g.crit.length && named; i++) {
      if (i === VERSION_INDEX) continue
      const r = compareAttribute(g.crit[i] as CpeValue, t[i] as CpeValue)
      if (r === 'disjoint' || r === 'undefined') named = false
      else if (r === 'subset') {
        if (mode === 'strict') named = false
        cap = State.indeterminate
      }
    }
    if (!named) continue
    const av = versionOf(t)
    let state: State = State.no
    let entry: CpeMatchEntry | undefined
    let note: string | undefined
    if (av === undefined) {
      if (attr(t, 'version').kind === 'na') continue
      state = State.indeterminate
      entry = g.versions[0]?.[1]
      note = 'asset version unknown'
    } else {
      entry = g.byVersion.get(av)
      if (entry) state = State.affected
      else {
        for (const [v, m] of g.versions) {
          const c = compareVersions(av, v)
          if (c === 0) {
            state = State.affected
            entry = m
            note = undefined
            break
          }
          if (c === null && state === State.no) {
            state = State.indeterminate
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
  if (!m.vulnerable && best.state < State.affected) {
    for (const t of asset.inferred) best = consider(m, crit, t, true, mode, best)
    const part = partOf(crit)
    const knowsPart =
      asset.cpes.some((t) => partOf(t) === part) || asset.inferred.some((t) => partOf(t) === part)
    if (!knowsPart && best.state === State.no)
      best = { state: State.indeterminate, why: [`${entryLabel(m)} [platform not fingerprinted]`] }
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
  let cap: State = State.affected
  for (let i = 0; i < crit.length; i++) {
    if (i === VERSION_INDEX) continue
    const r = compareAttribute(crit[i] as CpeValue, target[i] as CpeValue)
    if (r === 'disjoint' || r === 'undefined') return best
    if (r === 'subset') {
      if (mode === 'strict') return best
      cap = State.indeterminate
    }
  }
  const v = inferred ? inferredVersion(crit) : versionState(crit, target, m, mode)
  const state = Math.min(cap, v.state) as State
  if (state <= best.state) return best
  const note = inferred ? ' [platform inferred from firmware name]' : ''
  return { state, why: [`${entryLabel(m)}${note}${v.note ? ` [${v.note}]` : ''}`] }
}

function inferredVersion(crit: Wfn): { state: State; note?: string } {
  const k = attr(crit, 'version').kind
  return k === 'any' || k === 'na'
    ? { state: State.affected }
    : { state: State.indeterminate, note: 'hardware revision not known' }
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
    if (assetVersion === undefined) return { state: State.indeterminate, note: 'asset version unknown' }
    const r = inBounds(assetVersion, m)
    if (r === null)
      return {
        state: State.indeterminate,
        note: `version "${assetVersion}" cannot be ordered against the bounds`,
      }
    return { state: r ? State.affected : State.no }
  }
  if (cv.kind === 'any') return { state: State.affected }
  // hardware: NVD writes "-" for "no revision named" and revisions (a1, b1) are names, not versions
  if (partOf(crit) === 'h') {
    if (cv.kind === 'na') return { state: State.affected }
    if (tv.kind === 'any') return { state: State.indeterminate, note: 'hardware revision not known' }
    return { state: compareAttribute(cv, tv) === 'equal' ? State.affected : State.no }
  }
  if (cv.kind === 'na') {
    if (tv.kind === 'na') return { state: State.affected }
    if (mode === 'lenient') return { state: State.affected, note: 'NVD names no version: all versions' }
    return { state: State.indeterminate, note: 'NVD names no version ("-")' }
  }
  if (assetVersion === undefined)
    return tv.kind === 'na'
      ? { state: State.no }
      : { state: State.indeterminate, note: 'asset version unknown' }
  const rel = compareAttribute(cv, tv)
  if (rel === 'equal' || rel === 'superset') return { state: State.affected }
  const c = compareVersions(assetVersion, (versionOf(crit) as string) ?? '')
  if (c === null) return { state: State.indeterminate, note: `version "${assetVersion}" cannot be compared` }
  return { state: c === 0 ? State.affected : State.no }
}

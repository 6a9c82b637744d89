import {
  attr,
  CPE_ATTRIBUTES,
  hasWildcard,
  plainValue,
  tryParseCpe,
  vendorProductOf,
  type Wfn,
} from '../../core/cpe.js'
import type { ConfigNode, CpeMatchEntry } from '../model.js'
import { hasBounds } from '../version/version-range.js'
import { partOf } from './asset.js'

// What the matcher derives once from a record and keeps while the record lives: parsed criteria,
// the products a configuration names, and each large OR node's exact-version groups.

export const VERSION_INDEX = CPE_ATTRIBUTES.indexOf('version')

const criteriaCache = new Map<string, Wfn | null>()

/** A criteria string parsed once (NVD repeats the same few names across thousands of records). */
export function criteriaWfn(c: string): Wfn | undefined {
  let w = criteriaCache.get(c)
  if (w === undefined) {
    if (criteriaCache.size > 500_000) criteriaCache.clear()
    w = tryParseCpe(c) ?? null
    criteriaCache.set(c, w)
  }
  return w ?? undefined
}

const configKeys = new WeakMap<ConfigNode, Set<string> | 'wildcard'>()

/**
 * The `vendor:product` keys of a configuration's vulnerable entries, or 'wildcard' when one of
 * them names no exact product.
 */
export function vulnerableKeysOf(cfg: ConfigNode): Set<string> | 'wildcard' {
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
  return keys
}

/**
 * Vulnerable entries of one OR node that differ only in a concrete version (NVD lists hundreds,
 * `linux_kernel:4.0`, `4.0.1`, …): the name is compared once, the version looked up.
 */
export interface ExactGroup {
  crit: Wfn
  byVersion: Map<string, CpeMatchEntry>
  versions: Array<[string, CpeMatchEntry]>
}

/** A node's entries: exact-version groups, and the rest, evaluated one by one. */
interface NodePlan {
  groups: ExactGroup[]
  rest: CpeMatchEntry[]
}

const plans = new WeakMap<ConfigNode, NodePlan>()
const GROUP_MIN = 8

export function planOf(node: ConfigNode): NodePlan {
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

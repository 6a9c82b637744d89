import { CPE_ATTRIBUTES, type CpeAttribute, type CpeValue, hasWildcard, type Wfn } from '../../core/cpe.js'

/** NISTIR 7696 Table 6-2 attribute relations (source = the CVE's CPE, target = the asset's CPE). */
export type CpeRelation = 'superset' | 'subset' | 'equal' | 'disjoint' | 'undefined'

/**
 * Compares one attribute, as gvm-libs `compare_component` does: a target with wildcards is
 * UNDEFINED; equal values are EQUAL; source ANY is SUPERSET; target ANY is SUBSET; NA on either
 * side is DISJOINT; otherwise the source's leading/trailing wildcards decide SUPERSET or DISJOINT.
 */
export function compareAttribute(source: CpeValue, target: CpeValue): CpeRelation {
  if (hasWildcard(target)) return 'undefined'
  if (source.kind === target.kind && (source.kind !== 'value' || source.v === (target as { v: string }).v)) {
    return 'equal'
  }
  if (source.kind === 'any') return 'superset'
  if (target.kind === 'any') return 'subset'
  if (source.kind === 'na' || target.kind === 'na') return 'disjoint'
  const s = (source as { v: string }).v
  const t = (target as { v: string }).v
  return hasWildcard(source) && wildcardRegex(s).test(unquote(t)) ? 'superset' : 'disjoint'
}

function unquote(v: string): string {
  return v.replace(/\\(.)/g, '$1')
}

/** `*` = any run of characters, `?` = one character, only in leading/trailing runs (checked at parse). */
function wildcardRegex(pattern: string): RegExp {
  let re = ''
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i] as string
    if (ch === '\\') {
      re += escapeRegex(pattern[i + 1] as string)
      i++
    } else if (ch === '*') re += '.*'
    else if (ch === '?') re += '.'
    else re += escapeRegex(ch)
  }
  return new RegExp(`^${re}$`, 's')
}

function escapeRegex(ch: string): string {
  return ch.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&')
}

/** The relation of every attribute, in CPE_ATTRIBUTES order. */
export function compareNames(source: Wfn, target: Wfn, skip: readonly CpeAttribute[] = []): CpeRelation[] {
  return CPE_ATTRIBUTES.map((name, i) =>
    skip.includes(name) ? 'equal' : compareAttribute(source[i] as CpeValue, target[i] as CpeValue),
  )
}

/**
 * NISTIR 7696 name match (`cpe_struct_match`): true when every attribute of the source is a
 * SUPERSET of or EQUAL to the target's, i.e. the CVE's CPE covers the asset's CPE.
 */
export function cpeNameMatch(source: Wfn, target: Wfn): boolean {
  return compareNames(source, target).every((r) => r === 'superset' || r === 'equal')
}

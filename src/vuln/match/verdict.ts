import { type CpeValue, hasWildcard, type Wfn } from '../../core/cpe.js'

/**
 * strict: NISTIR 7696 as written; an attribute the CVE names but the asset leaves ANY (SUBSET)
 *   is no match, and NVD's NA version (`hg532_firmware:-`) against a concrete version is
 *   indeterminate.
 * lenient: SUBSET attributes give an indeterminate match, and an NA version is read as NVD uses
 *   it for un-versioned firmware entries: every version.
 */
export type MatchMode = 'strict' | 'lenient'

/**
 * The three-valued answer of every rule, ordered so that the better answer is the larger one: an
 * OR of answers is their max, an AND their min, and a cap (a SUBSET name) is a min.
 */
export const State = { no: 0, indeterminate: 1, affected: 2 } as const
export type State = (typeof State)[keyof typeof State]

/** An answer and why: the entries that decided it. */
export interface Eval {
  state: State
  why: string[]
}

export const NO: Eval = { state: State.no, why: [] }

/** Cheap pre-check on part, vendor and product (most entries of a record name other products). */
export function quicklyDisjoint(crit: Wfn, target: Wfn): boolean {
  for (let i = 0; i < 3; i++) {
    const a = crit[i] as CpeValue
    const b = target[i] as CpeValue
    if (a.kind === 'value' && b.kind === 'value' && a.v !== b.v && !hasWildcard(a)) return true
  }
  return false
}

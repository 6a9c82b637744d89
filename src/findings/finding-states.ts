import { MamoriError } from '../core/errors.js'

/** The states of a tracked finding, in the order of its life (DESIGN.md "Findings, owners and notices"). */
export const FINDING_STATES = [
  'open',
  'notified',
  'acknowledged',
  'fix-claimed',
  'fix-verified',
  'closed',
  'reopened',
] as const
export type FindingState = (typeof FINDING_STATES)[number]

/** States in which the finding is still there as far as anyone knows: a later scan may verify a fix. */
export const ACTIVE_STATES: readonly FindingState[] = [
  'open',
  'notified',
  'acknowledged',
  'fix-claimed',
  'reopened',
]

/**
 * What a person (CLI user, API token) or the notice loop may move a finding to, from where. A scan
 * moves it too, but only by evidence (reconcile): new → open, seen again after fix-verified or
 * closed → reopened, absent on a verified scan → fix-verified. `closed` is always allowed, with a note.
 */
const MANUAL: Record<Exclude<FindingState, 'open' | 'closed'>, readonly FindingState[]> = {
  notified: ['open', 'reopened', 'acknowledged'],
  acknowledged: ['open', 'notified', 'reopened'],
  'fix-claimed': ['open', 'notified', 'acknowledged', 'reopened'],
  // a person can vouch for a fix only with a later scan's evidence: fix-verified is the scan's alone
  'fix-verified': [],
  reopened: ['fix-verified', 'closed'],
}

/** Throws ERR_USAGE when `to` cannot follow `from` by hand, naming both and what is allowed. */
export function checkManualTransition(from: FindingState, to: FindingState): void {
  if (to === 'closed' && from !== 'closed') return
  const allowed = to === 'open' || to === 'closed' ? [] : MANUAL[to]
  if (allowed.includes(from)) return
  const reachable = FINDING_STATES.filter(
    (s) => s !== from && (s === 'closed' || (s !== 'open' && MANUAL[s].includes(from))),
  )
  throw new MamoriError(
    'ERR_USAGE',
    `a finding that is ${from} cannot be moved to ${to} by hand` +
      (reachable.length > 0 ? ` (from ${from}: ${reachable.join(', ')})` : ''),
  )
}

/** `open`, `acked` ... as a user may type them. */
export function parseFindingState(text: string): FindingState {
  const state = FINDING_STATES.find((s) => s === text.toLowerCase())
  if (!state)
    throw new MamoriError('ERR_USAGE', `"${text}" is not a finding state (${FINDING_STATES.join(', ')})`)
  return state
}

import type { Severity } from '../../core/record.js'
import type { Transport } from '../../core/target.js'
import type { FindingState } from '../../findings/finding-states.js'
import type { QueryAst } from '../../query/ast.js'
import type { SqlDriver } from '../sql-driver.js'

/** A finding as the store tracks it across scans. */
export interface TrackedFinding {
  id: number
  ip: string
  port: number
  transport: Transport
  type: string
  /** The CVE of a known-vulnerability; absent for other types. */
  ref?: string
  severity: Severity
  title?: string
  state: FindingState
  first_seen: string
  last_seen: string
  first_scan_id: string
  last_scan_id: string
  state_changed_at: string
  /** Why a later scan that did not find it could not call it fixed ("unverified: the host did not answer"). */
  verification?: string
}

/** One change of a finding's state, with who made it and why. */
export interface FindingEvent {
  id: number
  finding_id: number
  at: string
  from?: FindingState
  to: FindingState
  /** `scan <id>`, `cli:<user>`, `token:<id>`, `notice <campaign>` ... */
  actor: string
  note?: string
}

/** What a scan covered: its addresses and ports, the stages it ran, whether it ran to its end. */
export interface ScanCoverage {
  /** Numeric address ranges, inclusive. */
  ranges: [number, number][]
  tcp: number[]
  udp: number[]
  stages: string[]
  complete: boolean
}

/** A change a reconcile or a person made, with the finding after it: what monitors alert on. */
export interface FindingChange {
  event: FindingEvent
  finding: TrackedFinding
}

/** Runs in the transaction of the changes it is given (monitors write their alerts to the outbox here). */
export type ChangeHook = (tx: SqlDriver, changes: readonly FindingChange[]) => Promise<void>

export interface ReconcileSummary {
  opened: number
  reopened: number
  fixVerified: number
  /** Findings the scan covered but could not find again, left as they were (with the reason). */
  unverified: number
  /** Findings seen again. */
  seen: number
}

export interface FindingQuery {
  /** The search language over the services (port:, net:, product:, ...). */
  query?: QueryAst
  states?: readonly FindingState[]
  types?: readonly string[]
  /** Changed state at or after this time. */
  since?: string
  limit: number
  /** Keyset paging: findings with a larger id. */
  after?: number
}

/**
 * Findings tracked across scans (identity: service, type, ref), with their history. A scan's
 * reconcile opens what it found, reopens what returned, and verifies fixes only on evidence
 * (src/findings/verify-fix.ts); people and the notice loop move states with `transition`.
 */
export interface FindingStore {
  /** What a scan covered, written when it starts and again when it ends. */
  setCoverage(scanId: string, coverage: ScanCoverage): Promise<void>
  /** Hosts that answered the scan (any port open or refused). */
  recordReach(scanId: string, addresses: Iterable<number>): Promise<void>
  /** Brings the tracked findings up to date with one stored scan; `onChanges` sees every change. */
  reconcile(scanId: string, onChanges?: ChangeHook): Promise<ReconcileSummary>
  list(q: FindingQuery): Promise<TrackedFinding[]>
  get(id: number): Promise<{ finding: TrackedFinding; history: FindingEvent[] } | undefined>
  /** A person's (or the notice loop's) change, checked against the state machine. */
  transition(
    id: number,
    to: FindingState,
    by: { actor: string; note?: string },
    onChanges?: ChangeHook,
  ): Promise<TrackedFinding>
}

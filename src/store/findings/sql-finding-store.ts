import { MamoriError } from '../../core/errors.js'
import { ACTIVE_STATES, checkManualTransition, type FindingState } from '../../findings/finding-states.js'
import { verifyAbsence } from '../../findings/verify-fix.js'
import type { Dialect } from '../dialect.js'
import { addressIdRange, KEYS_PER_ADDRESS, msToIso, timeMs } from '../record-row.js'
import { type Sql, sql } from '../sql.js'
import type { Serial, SqlDriver } from '../sql-driver.js'
import type {
  ChangeHook,
  FindingChange,
  FindingEvent,
  FindingQuery,
  FindingStore,
  ReconcileSummary,
  ScanCoverage,
  TrackedFinding,
} from './finding-store.js'

type Row = Record<string, unknown>

/** Rows written or read at a time: bounded memory whatever the store's size. */
const PAGE = 2000

const active = sql.join(ACTIVE_STATES)

/** The findings the services of scan `num` carried when it was stored: what it found. */
const present = (num: number) =>
  sql`SELECT o.service_id, f.type, f.ref, f.severity, f.title, o.ts
    FROM observations o JOIN findings f ON f.service_id = o.service_id WHERE o.scan = ${num}`

const sameFinding = (t: string, p: string) =>
  sql.raw(`${p}.service_id = ${t}.service_id AND ${p}.type = ${t}.type AND ${p}.ref = ${t}.ref`)

const FINDING_COLUMNS = sql.raw(`t.id, t.ip, t.port, t.transport, t.type, t.ref, t.severity, t.title, t.state,
  t.first_seen, t.last_seen, fs.id AS first_scan_id, ls.id AS last_scan_id, t.state_changed_at, t.verification`)
const SCAN_IDS = 'JOIN scans fs ON fs.num = t.first_scan JOIN scans ls ON ls.num = t.last_scan'
const FINDING_FROM = sql.raw(`tracked_findings t ${SCAN_IDS}`)

export class SqlFindingStore implements FindingStore {
  constructor(
    private readonly d: Dialect,
    private readonly serial: Serial,
  ) {}

  setCoverage(scanId: string, coverage: ScanCoverage): Promise<void> {
    return this.serial(async () => {
      const n = await this.d.driver.run(
        sql`UPDATE scans SET coverage = ${JSON.stringify(coverage)} WHERE id = ${scanId}`,
      )
      if (n === 0) throw new MamoriError('ERR_NOT_FOUND', `no scan ${scanId} in the store`)
    })
  }

  recordReach(scanId: string, addresses: Iterable<number>): Promise<void> {
    return this.serial(() => this.d.driver.transaction((tx) => this.#reach(tx, scanId, addresses)))
  }

  async #reach(tx: SqlDriver, scanId: string, addresses: Iterable<number>): Promise<void> {
    const { num } = await scanNumber(tx, scanId)
    let chunk: Sql[] = []
    const flush = async () => {
      if (chunk.length === 0) return
      await tx.run(
        sql`INSERT INTO scan_hosts (scan, address) VALUES ${sql.join(chunk)} ON CONFLICT DO NOTHING`,
      )
      chunk = []
    }
    for (const a of addresses) {
      chunk.push(sql`(${num}, ${a})`)
      if (chunk.length >= 500) await flush()
    }
    await flush()
  }

  reconcile(scanId: string, onChanges?: ChangeHook): Promise<ReconcileSummary> {
    return this.serial(() =>
      this.d.driver.transaction(async (tx) => {
        const { num, coverage } = await scanNumber(tx, scanId)
        const now = Date.now()
        const actor = `scan ${scanId}`
        const firstEvent = await maxId(tx, 'finding_events')
        const event = (from: Sql, to: string, note: string) =>
          sql`INSERT INTO finding_events (finding_id, at, from_state, to_state, actor, note)
          SELECT t.id, ${now}, ${from}, ${to}, ${actor}, ${note}`

        // found again after a fix or a close: reopened
        const reopened = await tx.run(
          sql`${event(sql.raw('t.state'), 'reopened', 'found again')} FROM tracked_findings t
          WHERE t.state IN ('fix-verified', 'closed')
            AND EXISTS (SELECT 1 FROM (${present(num)}) p WHERE ${sameFinding('t', 'p')})`,
        )
        await tx.run(
          sql`UPDATE tracked_findings SET state = 'reopened', state_changed_at = ${now}
          WHERE state IN ('fix-verified', 'closed')
            AND EXISTS (SELECT 1 FROM (${present(num)}) p WHERE ${sameFinding('tracked_findings', 'p')})`,
        )
        // still found after a claimed fix: back where it was before the claim
        const claimed = await tx.all<Row>(
          sql`SELECT t.id, (SELECT e.from_state FROM finding_events e WHERE e.finding_id = t.id
              AND e.to_state = 'fix-claimed' ORDER BY e.id DESC LIMIT 1) AS before
          FROM tracked_findings t WHERE t.state = 'fix-claimed'
            AND EXISTS (SELECT 1 FROM (${present(num)}) p WHERE ${sameFinding('t', 'p')})`,
        )
        for (const c of claimed) {
          const to = (c.before as FindingState | null) ?? 'open'
          await changeState(
            tx,
            Number(c.id),
            'fix-claimed',
            to,
            actor,
            'still found after the claimed fix',
            now,
          )
        }
        // first found: open
        const before = await maxId(tx, 'tracked_findings')
        const opened = await tx.run(
          sql`INSERT INTO tracked_findings (service_id, ip, port, transport, type, ref, severity, title, state,
            first_seen, last_seen, first_scan, last_scan, state_changed_at)
          SELECT p.service_id, s.ip, s.port, s.transport, p.type, p.ref, p.severity, p.title, 'open',
            p.ts, p.ts, ${num}, ${num}, ${now}
          FROM (${present(num)}) p JOIN services s ON s.id = p.service_id
          WHERE NOT EXISTS (SELECT 1 FROM tracked_findings t WHERE ${sameFinding('p', 't')})`,
        )
        await tx.run(
          sql`${event(sql`NULL`, 'open', 'first found')} FROM tracked_findings t WHERE t.id > ${before}`,
        )
        // every finding found: seen now, its latest severity and title, nothing left to verify
        const seen = await tx.run(
          sql`UPDATE tracked_findings SET last_seen = ${sql.raw(this.d.greatest('tracked_findings.last_seen', 'p.ts'))},
            last_scan = ${num}, severity = p.severity, title = p.title, verification = NULL
          FROM (${present(num)}) p WHERE ${sameFinding('tracked_findings', 'p')}`,
        )
        const absent = coverage
          ? await this.#verifyAbsent(tx, num, coverage, actor, now)
          : { fixed: 0, unverified: 0 }
        if (onChanges) await eachChange(tx, firstEvent, onChanges)
        return { opened, reopened, fixVerified: absent.fixed, unverified: absent.unverified, seen }
      }),
    )
  }

  /** The covered findings this scan did not find: fixed on evidence, else left with the reason. */
  async #verifyAbsent(
    tx: SqlDriver,
    num: number,
    coverage: ScanCoverage,
    actor: string,
    now: number,
  ): Promise<{ fixed: number; unverified: number }> {
    let fixed = 0
    let unverified = 0
    const ports = { tcp: new Set(coverage.tcp), udp: new Set(coverage.udp) }
    for (const [lo, hi] of coverage.ranges) {
      const [first, last] = addressIdRange(lo, hi)
      let after = 0
      for (;;) {
        // the divisor is a literal: both dialects then divide as integers (a bound number is REAL in SQLite)
        const rows = await tx.all<Row>(
          sql`SELECT t.id, t.port, t.transport, t.type, t.state, c.status, c.audit,
              EXISTS (SELECT 1 FROM scan_hosts h WHERE h.scan = ${num}
                AND h.address = t.service_id / ${sql.raw(String(KEYS_PER_ADDRESS))}) AS host_answered
            FROM tracked_findings t
              LEFT JOIN observations o ON o.scan = ${num} AND o.service_id = t.service_id
              LEFT JOIN contents c ON c.id = o.content_id
            WHERE t.state IN (${active}) AND t.last_scan < ${num}
              AND t.service_id BETWEEN ${first} AND ${last} AND t.id > ${after}
            ORDER BY t.id LIMIT ${PAGE}`,
        )
        for (const r of rows) {
          const verdict = verifyAbsence({
            type: r.type as string,
            covered: (r.transport === 'udp' ? ports.udp : ports.tcp).has(Number(r.port)),
            complete: coverage.complete,
            hostAnswered: Boolean(Number(r.host_answered)),
            ...(r.status
              ? {
                  observed: {
                    status: r.status as string,
                    audit: r.audit ? JSON.parse(r.audit as string) : undefined,
                  },
                }
              : {}),
            stages: coverage.stages,
          })
          if (verdict.fixed) {
            fixed++
            await changeState(
              tx,
              Number(r.id),
              r.state as FindingState,
              'fix-verified',
              actor,
              verdict.reason,
              now,
            )
            await tx.run(
              sql`UPDATE tracked_findings SET verification = ${verdict.reason} WHERE id = ${Number(r.id)}`,
            )
          } else if (verdict.reason !== 'not covered by this scan') {
            unverified++
            await tx.run(
              sql`UPDATE tracked_findings SET verification = ${verdict.reason} WHERE id = ${Number(r.id)}`,
            )
          }
        }
        if (rows.length < PAGE) break
        after = Number(rows.at(-1)?.id)
      }
    }
    return { fixed, unverified }
  }

  async list(q: FindingQuery): Promise<TrackedFinding[]> {
    const where: Sql[] = [sql`t.id > ${q.after ?? 0}`]
    if (q.states?.length) where.push(sql`t.state IN (${sql.join(q.states)})`)
    if (q.types?.length) where.push(sql`t.type IN (${sql.join(q.types)})`)
    if (q.since) where.push(sql`t.state_changed_at >= ${timeMs(q.since)}`)
    if (q.query && q.query.terms.length > 0)
      where.push(sql`t.service_id IN (SELECT s.id FROM services s WHERE ${this.d.compiler.where(q.query)})`)
    const rows = await this.d.driver.all<Row>(
      sql`SELECT ${FINDING_COLUMNS} FROM ${FINDING_FROM} WHERE ${sql.join(where, ' AND ')} ORDER BY t.id LIMIT ${q.limit}`,
    )
    return rows.map(toFinding)
  }

  async get(id: number): Promise<{ finding: TrackedFinding; history: FindingEvent[] } | undefined> {
    const [row] = await this.d.driver.all<Row>(
      sql`SELECT ${FINDING_COLUMNS} FROM ${FINDING_FROM} WHERE t.id = ${id}`,
    )
    if (!row) return undefined
    const events = await this.d.driver.all<Row>(
      sql`SELECT * FROM finding_events WHERE finding_id = ${id} ORDER BY id`,
    )
    return { finding: toFinding(row), history: events.map(toEvent) }
  }

  transition(
    id: number,
    to: FindingState,
    by: { actor: string; note?: string },
    onChanges?: ChangeHook,
  ): Promise<TrackedFinding> {
    return this.serial(() =>
      this.d.driver.transaction(async (tx) => {
        const [row] = await tx.all<Row>(sql`SELECT state FROM tracked_findings WHERE id = ${id}`)
        if (!row) throw new MamoriError('ERR_NOT_FOUND', `no finding ${id}`)
        const from = row.state as FindingState
        checkManualTransition(from, to)
        if (to === 'closed' && !by.note?.trim())
          throw new MamoriError('ERR_USAGE', 'closing a finding needs a note saying why')
        const firstEvent = await maxId(tx, 'finding_events')
        await changeState(tx, id, from, to, by.actor, by.note, Date.now())
        if (onChanges) await eachChange(tx, firstEvent, onChanges)
        const [after] = await tx.all<Row>(
          sql`SELECT ${FINDING_COLUMNS} FROM ${FINDING_FROM} WHERE t.id = ${id}`,
        )
        return toFinding(after as Row)
      }),
    )
  }
}

async function scanNumber(db: SqlDriver, scanId: string): Promise<{ num: number; coverage?: ScanCoverage }> {
  const [row] = await db.all<Row>(sql`SELECT num, coverage FROM scans WHERE id = ${scanId}`)
  if (!row) throw new MamoriError('ERR_NOT_FOUND', `no scan ${scanId} in the store`)
  return { num: Number(row.num), ...(row.coverage ? { coverage: JSON.parse(row.coverage as string) } : {}) }
}

async function maxId(db: SqlDriver, table: 'finding_events' | 'tracked_findings'): Promise<number> {
  const [row] = await db.all<Row>(sql`SELECT coalesce(max(id), 0) AS id FROM ${sql.raw(table)}`)
  return Number(row?.id ?? 0)
}

async function changeState(
  tx: SqlDriver,
  id: number,
  from: FindingState,
  to: FindingState,
  actor: string,
  note: string | undefined,
  at: number,
): Promise<void> {
  await tx.run(
    sql`INSERT INTO finding_events (finding_id, at, from_state, to_state, actor, note)
      VALUES (${id}, ${at}, ${from}, ${to}, ${actor}, ${note ?? null})`,
  )
  await tx.run(sql`UPDATE tracked_findings SET state = ${to}, state_changed_at = ${at} WHERE id = ${id}`)
}

/** Hands every event after `firstEvent`, with its finding as it is now, to the hook, a page at a time. */
async function eachChange(tx: SqlDriver, firstEvent: number, hook: ChangeHook): Promise<void> {
  let after = firstEvent
  for (;;) {
    const rows = await tx.all<Row>(
      sql`SELECT e.id AS event_id, e.at, e.from_state, e.to_state, e.actor, e.note, ${FINDING_COLUMNS}
        FROM finding_events e JOIN tracked_findings t ON t.id = e.finding_id ${sql.raw(SCAN_IDS)}
        WHERE e.id > ${after} ORDER BY e.id LIMIT ${PAGE}`,
    )
    if (rows.length === 0) return
    const changes: FindingChange[] = rows.map((r) => ({
      event: toEvent({ ...r, id: r.event_id, finding_id: r.id }),
      finding: toFinding(r),
    }))
    await hook(tx, changes)
    after = Number(rows.at(-1)?.event_id)
  }
}

function toFinding(r: Row): TrackedFinding {
  return {
    id: Number(r.id),
    ip: r.ip as string,
    port: Number(r.port),
    transport: r.transport as TrackedFinding['transport'],
    type: r.type as string,
    ...(r.ref ? { ref: r.ref as string } : {}),
    severity: r.severity as TrackedFinding['severity'],
    ...(r.title ? { title: r.title as string } : {}),
    state: r.state as FindingState,
    first_seen: msToIso(Number(r.first_seen)),
    last_seen: msToIso(Number(r.last_seen)),
    first_scan_id: r.first_scan_id as string,
    last_scan_id: r.last_scan_id as string,
    state_changed_at: msToIso(Number(r.state_changed_at)),
    ...(r.verification ? { verification: r.verification as string } : {}),
  }
}

function toEvent(r: Row): FindingEvent {
  return {
    id: Number(r.id),
    finding_id: Number(r.finding_id),
    at: msToIso(Number(r.at)),
    ...(r.from_state ? { from: r.from_state as FindingState } : {}),
    to: r.to_state as FindingState,
    actor: r.actor as string,
    ...(r.note ? { note: r.note as string } : {}),
  }
}

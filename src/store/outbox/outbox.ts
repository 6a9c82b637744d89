import { randomUUID } from 'node:crypto'
import { MamoriError } from '../../core/errors.js'
import type { Dialect } from '../dialect.js'
import { msToIso } from '../record-row.js'
import { type Sql, sql } from '../sql.js'
import type { Serial, SqlDriver } from '../sql-driver.js'

const OUTBOX_STATES = ['pending', 'sent', 'failed', 'bounced'] as const
export type OutboxState = (typeof OUTBOX_STATES)[number]

/** Something that is to leave the machine: an alert digest, a notice, a webhook call. */
export interface OutboxItem {
  /** The event id: the same on every retry, so a receiver can drop a duplicate. */
  id: string
  /** Who made it: `monitor:<name>`, `campaign:<name>`. */
  topic: string
  channel: 'webhook' | 'email'
  /** A URL, or a `mailto:` address. */
  destination: string
  payload: unknown
  state: OutboxState
  attempts: number
  next_attempt_at: string
  last_error?: string
  created_at: string
  sent_at?: string
}

export type NewOutboxItem = Pick<OutboxItem, 'topic' | 'channel' | 'destination' | 'payload'> & {
  id?: string
}

type Row = Record<string, unknown>

/**
 * The durable outbox (DESIGN.md): an item is written in the same transaction as the change that
 * caused it (`enqueue(tx, ...)`), delivered after, retried with the same id, and never sent twice:
 * a deliverer claims what is due, and marks each item sent, to be retried, or given up.
 */
export class Outbox {
  constructor(
    private readonly d: Dialect,
    private readonly serial: Serial,
  ) {}

  /** Adds items inside the caller's transaction; returns their ids. */
  async enqueue(tx: SqlDriver, items: readonly NewOutboxItem[], now = Date.now()): Promise<string[]> {
    const ids: string[] = []
    for (const item of items) {
      const id = item.id ?? randomUUID()
      ids.push(id)
      await tx.run(
        sql`INSERT INTO outbox (id, topic, channel, destination, payload, state, attempts, next_attempt_at, created_at)
          VALUES (${id}, ${item.topic}, ${item.channel}, ${item.destination}, ${JSON.stringify(item.payload)},
            'pending', 0, ${now}, ${now})
          ON CONFLICT (id) DO NOTHING`,
      )
    }
    return ids
  }

  /** Adds items in a transaction of their own (a producer with no change to commit with them). */
  add(items: readonly NewOutboxItem[]): Promise<string[]> {
    return this.serial(() => this.d.driver.transaction((tx) => this.enqueue(tx, items)))
  }

  /** Pending items whose time has come, oldest first. */
  async due(limit: number, now = Date.now(), topic?: string): Promise<OutboxItem[]> {
    const rows = await this.d.driver.all<Row>(
      sql`SELECT * FROM outbox WHERE state = 'pending' AND next_attempt_at <= ${now}
        ${topic ? sql`AND topic = ${topic}` : sql.raw('')} ORDER BY created_at, id LIMIT ${limit}`,
    )
    return rows.map(toItem)
  }

  /**
   * Takes a due item for one delivery: its next try moves `leaseMs` ahead, so another deliverer
   * (or this one after a crash) takes it again only once the lease is over. False if someone else has it.
   */
  claim(id: string, leaseMs: number, now = Date.now()): Promise<boolean> {
    return this.serial(async () => {
      const n = await this.d.driver.run(
        sql`UPDATE outbox SET next_attempt_at = ${now + leaseMs}
          WHERE id = ${id} AND state = 'pending' AND next_attempt_at <= ${now}`,
      )
      return n > 0
    })
  }

  /** Delivered: never sent again. */
  markSent(id: string, now = Date.now()): Promise<void> {
    return this.#finish(id, sql`state = 'sent', sent_at = ${now}, attempts = attempts + 1, last_error = NULL`)
  }

  /**
   * A failed try: `retryAt` schedules the next (same id), absent gives up (`failed`, or `bounced`
   * when the receiver refused it for good: a 4xx, an SMTP 5xx).
   */
  markFailed(
    id: string,
    error: string,
    next: { retryAt: number } | { giveUp: 'failed' | 'bounced' },
  ): Promise<void> {
    const set =
      'retryAt' in next
        ? sql`attempts = attempts + 1, last_error = ${error.slice(0, 1000)}, next_attempt_at = ${next.retryAt}`
        : sql`state = ${next.giveUp}, attempts = attempts + 1, last_error = ${error.slice(0, 1000)}`
    return this.#finish(id, set)
  }

  #finish(id: string, set: Sql): Promise<void> {
    return this.serial(async () => {
      const n = await this.d.driver.run(sql`UPDATE outbox SET ${set} WHERE id = ${id} AND state = 'pending'`)
      if (n === 0) throw new MamoriError('ERR_NOT_FOUND', `no pending outbox item ${id}`)
    })
  }

  async list(filter: {
    topic?: string
    states?: readonly OutboxState[]
    limit: number
  }): Promise<OutboxItem[]> {
    const where: Sql[] = [sql.raw('1 = 1')]
    if (filter.topic) where.push(sql`topic = ${filter.topic}`)
    if (filter.states?.length) where.push(sql`state IN (${sql.join(filter.states)})`)
    const rows = await this.d.driver.all<Row>(
      sql`SELECT * FROM outbox WHERE ${sql.join(where, ' AND ')} ORDER BY created_at, id LIMIT ${filter.limit}`,
    )
    return rows.map(toItem)
  }
}

function toItem(r: Row): OutboxItem {
  return {
    id: r.id as string,
    topic: r.topic as string,
    channel: r.channel as OutboxItem['channel'],
    destination: r.destination as string,
    payload: JSON.parse(r.payload as string),
    state: r.state as OutboxState,
    attempts: Number(r.attempts),
    next_attempt_at: msToIso(Number(r.next_attempt_at)),
    ...(r.last_error ? { last_error: r.last_error as string } : {}),
    created_at: msToIso(Number(r.created_at)),
    ...(r.sent_at ? { sent_at: msToIso(Number(r.sent_at)) } : {}),
  }
}

import { setTimeout as sleep } from 'node:timers/promises'
import type { Outbox, OutboxItem } from '../store/outbox/outbox.js'
import type { Channel } from './channel.js'

export interface DeliverOptions {
  /** Items per round at most. */
  limit?: number
  /** Only this topic's items (`campaign:<name>`). */
  topic?: string
  /** Sends per second at most (a campaign's send rate). */
  ratePerSecond?: number
  /** How long a claimed item is held for this try. */
  leaseMs?: number
  /** Tries after which an item is given up (`failed`). */
  maxAttempts?: number
  /** The wait before try n+1 (default: 30 s doubling, at most 1 h, with ±50 % jitter). */
  backoffMs?: (attempts: number) => number
  signal?: AbortSignal
  now?: () => number
}

export interface DeliverySummary {
  sent: number
  retried: number
  refused: number
  failed: number
}

function defaultBackoff(attempts: number): number {
  const base = Math.min(3_600_000, 30_000 * 2 ** attempts)
  return Math.round(base * (0.5 + Math.random()))
}

/**
 * One round of delivery: every due item claimed (so two deliverers never send it at once), sent by
 * its channel, then marked sent, scheduled again with the same id (backoff with jitter), or given
 * up: `bounced` when the receiver refused it, `failed` after `maxAttempts`. A crash mid-round leaves
 * the item pending; its lease runs out and it is sent again, with the same id.
 */
export async function deliverDue(
  outbox: Outbox,
  channels: readonly Channel[],
  o: DeliverOptions = {},
): Promise<DeliverySummary> {
  const now = o.now ?? Date.now
  const summary: DeliverySummary = { sent: 0, retried: 0, refused: 0, failed: 0 }
  const gap = o.ratePerSecond ? 1000 / o.ratePerSecond : 0
  const items = await outbox.due(o.limit ?? 500, now(), o.topic)
  let last = 0
  for (const item of items) {
    if (o.signal?.aborted) break
    const channel = channels.find((c) => c.name === item.channel)
    if (!channel) continue
    if (!(await outbox.claim(item.id, o.leaseMs ?? 120_000, now()))) continue
    if (gap > 0) {
      const wait = last + gap - performance.now()
      if (wait > 0) await sleep(wait)
      last = performance.now()
    }
    await settle(outbox, item, await channel.send(item), o, summary, now())
  }
  return summary
}

async function settle(
  outbox: Outbox,
  item: OutboxItem,
  result: Awaited<ReturnType<Channel['send']>>,
  o: DeliverOptions,
  summary: DeliverySummary,
  now: number,
): Promise<void> {
  if (result.outcome === 'sent') {
    await outbox.markSent(item.id, now)
    summary.sent++
  } else if (result.outcome === 'refused') {
    await outbox.markFailed(item.id, result.error, { giveUp: 'bounced' })
    summary.refused++
  } else if (item.attempts + 1 >= (o.maxAttempts ?? 10)) {
    await outbox.markFailed(item.id, result.error, { giveUp: 'failed' })
    summary.failed++
  } else {
    const retryAt = now + (o.backoffMs ?? defaultBackoff)(item.attempts + 1)
    await outbox.markFailed(item.id, result.error, { retryAt })
    summary.retried++
  }
}

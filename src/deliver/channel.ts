import type { OutboxItem } from '../store/outbox/outbox.js'

/**
 * How one delivery try ended: `sent`; `retry` (a 5xx, a timeout, a dropped connection, SMTP 4xx:
 * the same item is tried again later, with the same id); `refused` (a 4xx, SMTP 5xx: the receiver
 * will never take it, so it is recorded and not retried).
 */
export type DeliveryResult = { outcome: 'sent' } | { outcome: 'retry' | 'refused'; error: string }

/** Sends outbox items of one channel (`webhook`, `email`). */
export interface Channel {
  readonly name: OutboxItem['channel']
  send(item: OutboxItem): Promise<DeliveryResult>
  close?(): Promise<void>
}

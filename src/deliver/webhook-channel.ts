import { createHmac } from 'node:crypto'
import type { OutboxItem } from '../store/outbox/outbox.js'
import type { Channel, DeliveryResult } from './channel.js'

/** How long a receiver may take to answer. */
const TIMEOUT_MS = 10_000

/**
 * `X-Mamori-Signature: sha256=<hex>` over `timestamp + "." + body` with the endpoint's secret: a
 * receiver recomputes it, and refuses a timestamp too old (a replay) or a repeated event id.
 */
export function signWebhook(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`
}

export interface WebhookOptions {
  /** The endpoint's secret, by destination URL (the monitor or campaign configuration holds them). */
  secretFor(url: string): string | undefined
  timeoutMs?: number
}

/**
 * POSTs the item's payload as JSON, signed (signWebhook), with `X-Mamori-Event-Id` (the same on
 * every retry) and `X-Mamori-Timestamp`. 2xx is delivered, 4xx refused, anything else retried.
 */
export function webhookChannel(options: WebhookOptions): Channel {
  return {
    name: 'webhook',
    async send(item: OutboxItem): Promise<DeliveryResult> {
      const secret = options.secretFor(item.destination)
      if (!secret) return { outcome: 'refused', error: `no secret configured for ${item.destination}` }
      const body = JSON.stringify(item.payload)
      const timestamp = Math.floor(Date.now() / 1000)
      try {
        const res = await fetch(item.destination, {
          method: 'POST',
          headers: {
            'Content-Type': 'application/json',
            'User-Agent': 'mamori-webhook/1',
            'X-Mamori-Event-Id': item.id,
            'X-Mamori-Timestamp': String(timestamp),
            'X-Mamori-Signature': signWebhook(secret, timestamp, body),
          },
          body,
          redirect: 'manual',
          signal: AbortSignal.timeout(options.timeoutMs ?? TIMEOUT_MS),
        })
        await res.body?.cancel()
        if (res.status >= 200 && res.status < 300) return { outcome: 'sent' }
        const error = `HTTP ${res.status}`
        return res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429
          ? { outcome: 'refused', error }
          : { outcome: 'retry', error }
      } catch (err) {
        const e = err as Error & { cause?: { code?: string } }
        return {
          outcome: 'retry',
          error: e.name === 'TimeoutError' ? 'timed out' : (e.cause?.code ?? e.message),
        }
      }
    },
  }
}

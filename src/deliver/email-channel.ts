import nodemailer from 'nodemailer'
import { MamoriError } from '../core/errors.js'
import type { OutboxItem } from '../store/outbox/outbox.js'
import type { Channel, DeliveryResult } from './channel.js'

/** What an e-mail item's payload holds: the message as the notice or digest rendered it. */
interface EmailPayload {
  from: string
  subject: string
  text: string
  html?: string
  /** Extra headers (List-Unsubscribe, X-Mamori-Reference ...). */
  headers?: Record<string, string>
}

/**
 * E-mail through the SMTP server of `smtpUrl` (`smtp://user:pass@host:587`, `smtps://...`;
 * STARTTLS when the server offers it, required with `?requireTLS=true`). The Message-ID is the
 * item's id, so a retry is the same message. An SMTP 4xx or a dropped connection is retried, a 5xx
 * is a bounce.
 */
export function emailChannel(smtpUrl: string, options: { timeoutMs?: number } = {}): Channel {
  let url: URL
  try {
    url = new URL(smtpUrl)
  } catch {
    throw new MamoriError('ERR_USAGE', 'the SMTP URL is malformed (smtp://user:password@host:port)')
  }
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:')
    throw new MamoriError(
      'ERR_USAGE',
      `the SMTP URL must start with smtp:// or smtps://, not ${url.protocol}//`,
    )
  const timeout = options.timeoutMs ?? 30_000
  const transport = nodemailer.createTransport({
    host: url.hostname,
    port: Number(url.port || (url.protocol === 'smtps:' ? 465 : 25)),
    secure: url.protocol === 'smtps:',
    requireTLS: url.searchParams.get('requireTLS') === 'true',
    ...(url.username
      ? { auth: { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } }
      : {}),
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout,
    tls: { rejectUnauthorized: url.searchParams.get('insecureTLS') !== 'true' },
  })
  return {
    name: 'email',
    async send(item: OutboxItem): Promise<DeliveryResult> {
      const to = item.destination.replace(/^mailto:/i, '')
      const mail = item.payload as EmailPayload
      try {
        await transport.sendMail({
          from: mail.from,
          to,
          subject: mail.subject,
          text: mail.text,
          ...(mail.html ? { html: mail.html } : {}),
          messageId: `<${item.id}@mamori.invalid>`,
          headers: mail.headers ?? {},
        })
        return { outcome: 'sent' }
      } catch (err) {
        const e = err as Error & { responseCode?: number }
        const error = e.responseCode ? `SMTP ${e.responseCode}: ${e.message}` : e.message
        return e.responseCode !== undefined && e.responseCode >= 500
          ? { outcome: 'refused', error }
          : { outcome: 'retry', error }
      }
    },
    async close() {
      transport.close()
    },
  }
}

import { printable } from './printable.js'

/** One step of a login exchange as kept in the evidence. */
export interface TranscriptLine {
  /** Milliseconds since the exchange began. */
  ms: number
  dir: 'sent' | 'received' | 'note'
  text: string
}

export const MASK = '********'
/** A transcript is evidence, not a capture: it keeps the first bytes of each step and a bounded count. */
const MAX_LINES = 64
const MAX_TEXT = 1024

/**
 * The record of one login exchange with every occurrence of the password masked: the sent secret
 * is written as `********` when recorded, and `lines()` masks any echo or other occurrence again.
 */
export class Transcript {
  private readonly started = Date.now()
  private readonly entries: TranscriptLine[] = []
  private readonly secrets: string[]
  /** The password (or another secret) went to the device: it judged a credential. */
  secretSent = false

  /** `secrets` are masked wherever they appear (the password, and e.g. its base64 form). */
  constructor(...secrets: string[]) {
    this.secrets = secrets.filter((s) => s.length > 0).sort((a, b) => b.length - a.length)
  }

  /** Adds a secret found later (a digest response, a token built from the password). */
  addSecret(secret: string): void {
    if (secret.length > 0 && !this.secrets.includes(secret)) {
      this.secrets.push(secret)
      this.secrets.sort((a, b) => b.length - a.length)
    }
  }

  sent(text: string): void {
    this.push('sent', text)
  }

  /** Records a request that carries the credential (masked wherever the secret appears). */
  sentCredential(text: string): void {
    this.secretSent = true
    this.push('sent', text)
  }

  /** Records that the password was sent, without its text. */
  sentSecret(prefix = '', suffix = ''): void {
    this.secretSent = true
    this.push('sent', `${prefix}${MASK}${suffix}`)
  }

  received(bytes: Buffer | string): void {
    const text = typeof bytes === 'string' ? bytes : printable(bytes, MAX_TEXT)
    if (text.length > 0) this.push('received', text)
  }

  note(text: string): void {
    this.push('note', text)
  }

  /** The masked lines. */
  lines(): TranscriptLine[] {
    return this.entries.map((l) => ({ ...l, text: this.mask(l.text) }))
  }

  /** Masks every secret in a text (for reasons and errors too). */
  mask(text: string): string {
    let out = text
    for (const s of this.secrets) out = out.split(s).join(MASK)
    return out
  }

  private push(dir: TranscriptLine['dir'], text: string): void {
    if (this.entries.length >= MAX_LINES) return
    const cut = text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT)}…` : text
    this.entries.push({ ms: Date.now() - this.started, dir, text: this.mask(cut) })
  }
}

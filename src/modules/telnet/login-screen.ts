import type { Connection } from '../../core/connection.js'
import { IoTimeoutError } from '../../core/scan-status.js'
import type { Transcript } from '../../core/transcript.js'
import { answer, parseTelnet } from './wire.js'

/** Beyond this many we stop answering negotiations: a flood gets no more of our bytes. */
const MAX_ANSWERS = 32

/**
 * The text side of a telnet login: reads through option negotiation, answers it only while
 * `negotiating` is on (after the password nothing at all is sent), and keeps the screen text.
 */
export class LoginScreen {
  /** Text received since the last `mark()`. */
  text = ''
  negotiating = true
  private pending: Buffer = Buffer.alloc(0)
  private answered = 0

  constructor(
    private readonly conn: Connection,
    private readonly transcript: Transcript,
  ) {}

  get closed(): boolean {
    return this.conn.isEnded
  }

  /** Starts a new screen (after we sent something). */
  mark(): void {
    this.text = ''
  }

  /**
   * Reads until `decide(text, closed)` returns a decision, the peer closes, or `waitMs` passes;
   * returns its value, or undefined on timeout. A decision with `settle` > 0 holds only if nothing
   * more arrives within `settle` ms (a prompt is believed once the screen is quiet).
   */
  async until<T>(
    decide: (text: string, closed: boolean) => Decision<T> | undefined,
    waitMs: number,
  ): Promise<T | undefined> {
    const started = Date.now()
    let pending = decide(this.text, false)
    for (;;) {
      if (pending && pending.settle === 0) return pending.value
      const left = waitMs - (Date.now() - started)
      if (left <= 0) return pending?.value
      const got = await this.readSome(pending ? Math.min(pending.settle, left) : left)
      if (got === 'data') pending = decide(this.text, false)
      else if (got === 'closed') return decide(this.text, true)?.value
      else if (got === 'deadline') return undefined
      else if (pending) return pending.value
    }
  }

  async send(data: string, transcriptText: string = data): Promise<void> {
    this.transcript.sent(transcriptText.replace(/\r\n$/, ''))
    await this.conn.write(data)
  }

  /** Reads what arrives within `ms`. */
  private async readSome(ms: number): Promise<'data' | 'quiet' | 'closed' | 'deadline'> {
    let chunk: Buffer
    try {
      chunk = await this.conn.read(Math.max(1, ms))
    } catch (err) {
      if (this.conn.deadlineHit) return 'deadline'
      if (err instanceof IoTimeoutError) return 'quiet'
      throw err
    }
    if (chunk.length === 0) return 'closed'
    await this.absorb(chunk)
    return 'data'
  }

  private async absorb(chunk: Buffer): Promise<void> {
    if (chunk.length === 0) return
    const parsed = parseTelnet(Buffer.concat([this.pending, chunk]))
    this.pending = parsed.rest
    if (this.negotiating) {
      for (const n of parsed.negotiations) {
        const reply = answer(n)
        if (reply && this.answered < MAX_ANSWERS && !this.conn.isEnded) {
          this.answered++
          await this.conn.write(reply).catch(() => {})
        }
      }
    }
    const text = parsed.text.toString('latin1')
    if (text.length > 0) {
      this.transcript.received(parsed.text)
      this.text += text
    }
  }
}

/** A verdict on the screen so far; `settle` > 0 means "only if nothing more arrives within settle ms". */
export interface Decision<T> {
  value: T
  settle: number
}

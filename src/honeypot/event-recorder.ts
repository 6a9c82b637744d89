import { createWriteStream, type WriteStream } from 'node:fs'
import { MamoriError } from '../core/errors.js'
import { jsonLine } from '../core/escape.js'
import type { HoneypotSessionRow, SensorStore } from '../store/sensors/sensor-store.js'
import { classifyFamily, type SessionEvidence } from './classify/classify-family.js'
import type { CowrieEvent } from './cowrie-event.js'
import type { SessionSummary } from './session-summary.js'

/** Events buffered before a store write; a write also happens every FLUSH_MS. */
const BATCH_EVENTS = 2000
const FLUSH_MS = 500

/**
 * Where events and finished sessions go: JSON lines (Cowrie's format, one event per line) and the
 * sensor store, written in batches of one transaction each. Every session is classified when it
 * closes; its source is re-judged over its sessions in the store.
 */
export class EventRecorder {
  readonly #out: WriteStream | undefined
  readonly #store: SensorStore | undefined
  #events: CowrieEvent[] = []
  #sessions: HoneypotSessionRow[] = []
  #timer: NodeJS.Timeout | undefined
  #flushing: Promise<void> = Promise.resolve()
  #failure: Error | undefined
  /** Sessions recorded (closed) so far, and per family. */
  readonly counts = { sessions: 0, events: 0, families: new Map<string, number>() }

  constructor(o: { outFile?: string; store?: SensorStore }) {
    if (o.outFile) {
      this.#out = createWriteStream(o.outFile, { flags: 'a' })
      this.#out.on('error', (err) => {
        this.#failure = new MamoriError('ERR_IO', `cannot write ${o.outFile}: ${err.message}`)
      })
    }
    this.#store = o.store
    if (this.#store) this.#timer = setInterval(() => void this.flush(), FLUSH_MS)
  }

  /** A write error (disk full, store gone) seen so far: the command stops on it. */
  get failure(): Error | undefined {
    return this.#failure
  }

  emit(event: CowrieEvent): void {
    this.counts.events++
    this.#out?.write(jsonLine(event))
    if (!this.#store) return
    this.#events.push(event)
    if (this.#events.length >= BATCH_EVENTS) void this.flush()
  }

  sessionClosed(summary: SessionSummary): void {
    const verdict = classifyFamily([summary])
    this.counts.sessions++
    this.counts.families.set(verdict.family, (this.counts.families.get(verdict.family) ?? 0) + 1)
    if (!this.#store) return
    const { scores: _scores, ...kept } = verdict
    this.#sessions.push({ ...summary, summary: { ...summary }, verdict: kept })
  }

  /** Writes what is buffered in one transaction; writes run one after another. */
  flush(): Promise<void> {
    this.#flushing = this.#flushing.then(async () => {
      if (!this.#store || (this.#events.length === 0 && this.#sessions.length === 0)) return
      const events = this.#events
      const sessions = this.#sessions
      this.#events = []
      this.#sessions = []
      try {
        await this.#store.recordHoneypot({ sessions, events }, (summaries) => {
          const { scores: _scores, ...v } = classifyFamily(summaries as unknown as SessionEvidence[])
          return v
        })
      } catch (err) {
        this.#failure = new MamoriError(
          'ERR_STORE',
          `cannot store honeypot events: ${(err as Error).message}`,
        )
      }
    })
    return this.#flushing
  }

  async close(): Promise<void> {
    clearInterval(this.#timer)
    await this.flush()
    const out = this.#out
    if (out) await new Promise<void>((resolve) => out.end(() => resolve()))
  }
}

import type { ScanRecord } from '../core/record.js'
import type { RecordSink } from '../core/sink.js'
import type { ScanInfo, Store } from './store.js'

export interface StoreSinkOptions {
  /** Records per transaction. */
  batch?: number
  /** Longest time a record waits in memory before it is committed. */
  flushMs?: number
}

/**
 * The scan pipeline's sink into the store: records are committed in batches (one transaction each),
 * at most `flushMs` after they arrive, so a killed scan loses at most that window. The scan's row is
 * written when the sink opens and completed (finished_at) when it closes. Closing also closes the store.
 */
export class StoreSink implements RecordSink {
  readonly #store: Store
  readonly #scan: ScanInfo
  readonly #batch: number
  #buffer: ScanRecord[] = []
  #pending: Promise<unknown> = Promise.resolve()
  readonly #timer: NodeJS.Timeout
  #error: unknown

  private constructor(store: Store, scan: ScanInfo, options: StoreSinkOptions) {
    this.#store = store
    this.#scan = scan
    this.#batch = options.batch ?? 1000
    this.#timer = setInterval(() => void this.#flush(), options.flushMs ?? 1000)
    this.#timer.unref()
  }

  static async open(store: Store, scan: ScanInfo, options: StoreSinkOptions = {}): Promise<StoreSink> {
    await store.recordScan(scan)
    return new StoreSink(store, scan, options)
  }

  write(record: ScanRecord): void | Promise<void> {
    if (this.#error) throw this.#error
    this.#buffer.push(record)
    if (this.#buffer.length >= this.#batch) return this.#flush()
  }

  /** Commits what is buffered; batches go in order, one at a time. */
  #flush(): Promise<void> {
    if (this.#buffer.length === 0) return this.#pending.then(() => undefined)
    const records = this.#buffer
    this.#buffer = []
    const done = this.#pending.then(() => this.#store.ingest(records))
    this.#pending = done.catch((err) => {
      this.#error ??= err
    })
    return done.then(() => undefined)
  }

  async close(): Promise<void> {
    clearInterval(this.#timer)
    try {
      await this.#flush()
      if (this.#error) throw this.#error
      await this.#store.recordScan({ ...this.#scan, finished_at: new Date().toISOString() })
    } finally {
      await this.#store.close()
    }
  }
}

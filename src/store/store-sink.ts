import type { ScanRecord } from '../core/record.js'
import type { FinishedScan, RecordSink } from '../core/sink.js'
import type { ReconcileSummary } from './findings/finding-store.js'
import { defaultStoreSpec, openStore } from './open-store.js'
import type { ScanInfo, Store } from './store.js'

export interface StoreSinkOptions {
  /** Records per transaction. */
  batch?: number
  /** Longest time a record waits in memory before it is committed. */
  flushMs?: number
}

/** What the sink knows of its scan up front; the id may come from the first record instead. */
export type StoreSinkScan = Partial<ScanInfo>

/**
 * The scan pipeline's sink into the store: records are committed in batches (one transaction each),
 * at most `flushMs` after they arrive, so a killed scan loses at most that window. The scan's row
 * (id = the records' scan_id, start time, parameters) is written before its first batch and completed
 * (finished_at) at close. Closing the sink closes the store.
 */
export class StoreSink implements RecordSink {
  readonly #store: Store
  readonly #scan: StoreSinkScan
  readonly #batch: number
  #scanRow: ScanInfo | undefined
  #buffer: ScanRecord[] = []
  #pending: Promise<unknown> = Promise.resolve()
  readonly #timer: NodeJS.Timeout
  #error: unknown

  constructor(store: Store, scan: StoreSinkScan = {}, options: StoreSinkOptions = {}) {
    this.#store = store
    this.#scan = { ...scan, started_at: scan.started_at ?? new Date().toISOString() }
    this.#batch = options.batch ?? 1000
    this.#timer = setInterval(() => void this.#flush(), options.flushMs ?? 1000)
    this.#timer.unref()
  }

  /** Opens the store named by `spec` (default $MAMORI_DB or ./mamori.db) and a sink into it. */
  static async open(
    spec: string | undefined,
    scan: StoreSinkScan = {},
    options: StoreSinkOptions = {},
  ): Promise<StoreSink> {
    const sink = new StoreSink(await openStore(spec ?? defaultStoreSpec()), scan, options)
    if (scan.id) await sink.#writeScanRow(scan.id)
    return sink
  }

  async #writeScanRow(id: string): Promise<void> {
    this.#scanRow = { ...(this.#scan as ScanInfo), id }
    await this.#store.recordScan(this.#scanRow)
  }

  write(record: ScanRecord): void | Promise<void> {
    if (this.#error) throw this.#error
    // a scanned record's findings are complete: none means none (the store drops the old ones)
    this.#buffer.push(record.findings ? record : { ...record, findings: [] })
    if (this.#buffer.length >= this.#batch) return this.#flush()
  }

  /** Commits what is buffered; batches go in order, one at a time. */
  #flush(): Promise<void> {
    if (this.#buffer.length === 0) return this.#pending.then(() => undefined)
    const records = this.#buffer
    this.#buffer = []
    const done = this.#pending.then(async () => {
      if (!this.#scanRow) await this.#writeScanRow(this.#scan.id ?? (records[0] as ScanRecord).scan_id)
      await this.#store.ingest(records)
    })
    this.#pending = done.catch((err) => {
      this.#error ??= err
    })
    return done
  }

  /**
   * What the scan covered and which hosts answered, then the tracked findings brought up to date:
   * opened, reopened, and fixed only where the scan's evidence shows it (store/findings/).
   */
  async afterScan(scan: FinishedScan): Promise<void> {
    await this.#flush()
    if (this.#error) throw this.#error
    if (!this.#scanRow) await this.#writeScanRow(scan.scanId)
    await this.#store.findings.setCoverage(scan.scanId, scan.coverage)
    await this.#store.findings.recordReach(scan.scanId, scan.answered)
    this.reconciled = await this.#store.findings.reconcile(scan.scanId)
  }

  /** What the scan changed in the tracked findings, once `afterScan` ran. */
  reconciled: ReconcileSummary | undefined

  async close(): Promise<void> {
    clearInterval(this.#timer)
    try {
      await this.#flush()
      if (this.#error) throw this.#error
      if (this.#scanRow)
        await this.#store.recordScan({ ...this.#scanRow, finished_at: new Date().toISOString() })
    } finally {
      await this.#store.close()
    }
  }
}

import type { ScanRecord } from './record.js'

/** Where finished records go: a JSON-lines file, stdout, the store. */
export interface RecordSink {
  write(record: ScanRecord): void | Promise<void>
  close(): Promise<void>
}

/**
 * A stage that adds knowledge to a record after the grab (fingerprint, audit, assess, vuln).
 * The scan pipeline runs an explicit, ordered list of them.
 */
export interface Enricher {
  readonly name: string
  /**
   * Loads what the stage needs (rule databases, the vulnerability database) before the scan's first
   * packet: loaded mid-scan, it would block the event loop while connections wait on their timers,
   * and a broken file should stop a scan before it sends anything.
   */
  prepare?(): void | Promise<void>
  enrich(record: ScanRecord): void | Promise<void>
  /** Releases what `prepare` or the records opened (a database), once the scan is over. */
  close?(): void | Promise<void>
}

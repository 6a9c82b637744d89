import type { ScanRecord } from './record.js'

/** What a scan covered and reached, handed to the sinks when it ends (the store verifies fixes with it). */
export interface FinishedScan {
  scanId: string
  coverage: {
    /** Numeric address ranges, inclusive. */
    ranges: [number, number][]
    tcp: number[]
    udp: number[]
    /** The enrichers that really ran (a vulnerability stage without a database did not). */
    stages: string[]
    /** The whole space was walked: not interrupted, not one shard of several. */
    complete: boolean
  }
  /** Numeric addresses of the hosts that answered (a port open, or refused with RST). */
  answered: ReadonlySet<number>
}

/** Where finished records go: a JSON-lines file, stdout, the store. */
export interface RecordSink {
  write(record: ScanRecord): void | Promise<void>
  /** Called once the scan has ended, before `close`. */
  afterScan?(scan: FinishedScan): Promise<void>
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
  /** Whether the stage did its work in this scan (default: yes); a fix is verified only by a stage that ran. */
  ran?(): boolean
  enrich(record: ScanRecord): void | Promise<void>
  /** Releases what `prepare` or the records opened (a database), once the scan is over. */
  close?(): void | Promise<void>
}

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
  enrich(record: ScanRecord): void | Promise<void>
}

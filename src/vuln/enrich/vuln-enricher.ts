import { existsSync } from 'node:fs'
import type { ScanRecord } from '../../core/record.js'
import type { Enricher } from '../../core/sink.js'
import { defaultVulnDbPath, VulnDb } from '../db/vuln-db.js'
import type { MatchMode } from '../match/verdict.js'
import { VulnMatcher } from '../match/vuln-matcher.js'
import { applyMatches, matchRecord } from './vuln-findings.js'

/**
 * The `vuln` enricher: for a record with `fingerprint.cpe[]` (or a vendor/product/version the
 * alias table knows), sets `vulns[]` and adds `known-vulnerability` findings. It opens the
 * vulnerability database on first use and does nothing when no database has been imported
 * (`mamori vuln import` / `vuln sync` create it).
 */
export class VulnEnricher implements Enricher {
  readonly name = 'vuln'
  #matcher: VulnMatcher | null | undefined
  #db: VulnDb | undefined

  constructor(
    private readonly file: () => string = defaultVulnDbPath,
    private readonly mode: MatchMode = 'strict',
  ) {}

  prepare(): void {
    this.#open()
  }

  /** Without a vulnerability database nothing was matched: no absent CVE proves a fix. */
  ran(): boolean {
    return this.#open() !== null
  }

  enrich(record: ScanRecord): void {
    if (!record.fingerprint) return
    const matcher = this.#open()
    if (!matcher) return
    applyMatches(record, matchRecord(matcher, record))
  }

  #open(): VulnMatcher | null {
    if (this.#matcher === undefined) {
      const file = this.file()
      if (!existsSync(file)) this.#matcher = null
      else {
        this.#db = new VulnDb(file)
        this.#matcher = new VulnMatcher(this.#db, { mode: this.mode })
      }
    }
    return this.#matcher
  }

  /** Closes the database (the next record opens it again). */
  close(): void {
    this.#db?.close()
    this.#db = undefined
    this.#matcher = undefined
  }
}

import type { Finding, ScanRecord, VulnRef } from '../core/record.js'
import type { Transport } from '../core/target.js'
import type { QueryAst } from '../query/ast.js'
import type { FindingStore } from './findings/finding-store.js'
import type { Outbox } from './outbox/outbox.js'

/** A service as search returns it: the newest record of the service plus when it was first and last seen. */
export interface ServiceRow extends ScanRecord {
  first_seen: string
  last_seen: string
  /** Stable id in this store: the paging cursor. */
  service_id: number
}

/** Identifies one service: an address, a port and a transport. */
export interface ServiceKey {
  ip: string
  port: number
  transport: Transport
}

export interface ScanInfo {
  id: string
  started_at: string
  finished_at?: string
  /** What the scan was asked to do (targets, ports, options): free-form JSON. */
  parameters?: Record<string, unknown>
}

export interface ScanSummary extends ScanInfo {
  /** Observations stored for this scan. */
  records: number
  hosts: number
}

export interface IngestResult {
  /** Observations newly stored. */
  stored: number
  /** Records already in the store (same service and scan): not stored again. */
  duplicates: number
}

export interface SearchOptions {
  limit: number
  offset?: number
  /** Return only services with service_id greater than this (keyset paging). */
  after?: number
}

export interface FacetRequest {
  field: string
  limit: number
}

export interface FacetResult {
  total: number
  facets: { field: string; values: { value: string | number; count: number }[] }[]
}

/** One past state of a service, from one scan. */
export interface HistoryEntry {
  scan_id: string
  timestamp: string
  status: string
  protocol: string
  banner: string
  product?: string
  version?: string
  /** Fields that differ from the previous entry (empty for the first). */
  changed: string[]
}

export interface HostReport {
  ip: string
  first_seen: string
  last_seen: string
  country?: string
  asn?: number
  org?: string
  services: (ServiceRow & { history: HistoryEntry[] })[]
}

export interface DiffEntry {
  change: 'appeared' | 'disappeared' | 'changed'
  ip: string
  port: number
  transport: string
  /** For `changed`: the fields that differ. */
  fields: string[]
  before?: { protocol: string; status: string; banner: string; product?: string; version?: string }
  after?: { protocol: string; status: string; banner: string; product?: string; version?: string }
}

/**
 * The store: scan history with current state per service, searchable with the query language.
 * One interface, one conformance suite (store.case.ts), two dialects (SQLite file, PostgreSQL).
 *
 * @example
 * const store = await openStore('mamori.db')
 * await store.ingest(records)
 * const rows = await store.search(parseQuery('port:23 -product:BusyBox'), { limit: 50 })
 * for await (const s of store.services(parseQuery('has_vuln:false cpe:busybox'))) {
 *   await store.setVulns(s, matched, findings)
 * }
 * await store.close()
 */
export interface Store {
  readonly dialect: 'sqlite' | 'postgres'
  /** Findings tracked across scans, with their states and history (src/store/findings/). */
  readonly findings: FindingStore
  /** What is to leave the machine (alerts, notices), written with the change that caused it. */
  readonly outbox: Outbox
  /** Stores records in one transaction; the same (service, scan) twice is stored once. */
  ingest(records: readonly ScanRecord[]): Promise<IngestResult>
  /** Creates or updates a scan's row (the scan pipeline calls it at start and end). */
  recordScan(scan: ScanInfo): Promise<void>
  scans(): Promise<ScanSummary[]>
  /** Services matching the query, ordered by service_id. */
  search(query: QueryAst, options: SearchOptions): Promise<ServiceRow[]>
  count(query: QueryAst): Promise<number>
  /** Counts per value of each field over the services matching the query, top-N, with the total. */
  facets(query: QueryAst, facets: readonly FacetRequest[]): Promise<FacetResult>
  /** Every matching service, read in pages, for enrichers such as the vulnerability matcher. */
  services(query: QueryAst, pageSize?: number): AsyncIterable<ServiceRow>
  /** Replaces the vulnerabilities (and, when given, the findings) of one service. */
  setVulns(service: ServiceKey, vulns: readonly VulnRef[], findings?: readonly Finding[]): Promise<void>
  /** Replaces the findings of one service. */
  setFindings(service: ServiceKey, findings: readonly Finding[]): Promise<void>
  /** Sets who owns an address (geolocation / attribution), for `country:`, `asn:`, `org:`. */
  setHostInfo(ip: string, info: { country?: string; asn?: number; org?: string }): Promise<void>
  /** Refreshes the query planner's statistics; worth running after a large import. */
  analyze(): Promise<void>
  host(ip: string): Promise<HostReport | undefined>
  /** What changed from scan `a` to scan `b`. Throws ERR_NOT_FOUND for an unknown scan. */
  diff(a: string, b: string): Promise<DiffEntry[]>
  close(): Promise<void>
}

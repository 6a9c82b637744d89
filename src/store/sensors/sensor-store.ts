/** Which sensor saw a source. */
export type SensorKind = 'honeypot' | 'darknet'

/** A family verdict as the store keeps it: the family, how sure, and the features that decided it. */
export interface SourceVerdict {
  family: string
  variant?: string
  confidence: number
  features: { id: string; description: string; weight?: number }[]
}

/** One finished honeypot session: its endpoints and times, its summary (JSON) and its verdict. */
export interface HoneypotSessionRow {
  session: string
  sensor: string
  src_ip: string
  src_port: number
  dst_ip: string
  dst_port: number
  started_at: string
  ended_at: string
  close_reason: string
  summary: Record<string, unknown>
  verdict: SourceVerdict
}

/** One Cowrie event as written to the log. */
export interface StoredEvent {
  eventid: string
  timestamp: string
  session: string
  [field: string]: unknown
}

/** A source address as one sensor sees it over everything it recorded. */
export interface SensorSource extends SourceVerdict {
  sensor_kind: SensorKind
  ip: string
  sensor: string
  /** Counters and examples the verdict rests on (sessions, URLs, SYN counts...). */
  evidence: Record<string, unknown>
  first_seen: string
  last_seen: string
  /** Sessions (honeypot) or packets (darknet). */
  observations: number
}

/** A darknet source to merge into the store: its counters decide its verdict after the merge. */
export interface DarknetSourceUpdate {
  ip: string
  sensor: string
  first_seen: string
  last_seen: string
  packets: number
  /** Additive counters (SYNs, fingerprint matches, ports...). */
  counters: Record<string, number>
}

/**
 * Where the sensors keep what they saw, next to the scan store and in the same database (schema v4).
 * One write call = one transaction.
 */
export interface SensorStore {
  /**
   * Stores sessions and events, then re-judges every source address among them over its latest
   * sessions (at most 100) with `judgeSource`, all in one transaction.
   */
  recordHoneypot(
    batch: { sessions: readonly HoneypotSessionRow[]; events: readonly StoredEvent[] },
    judgeSource: (summaries: Record<string, unknown>[]) => SourceVerdict,
  ): Promise<void>
  /** Adds counters to each darknet source and re-judges it with `judge`, in one transaction. */
  recordDarknet(
    updates: readonly DarknetSourceUpdate[],
    judge: (counters: Record<string, number>, packets: number, spanMs: number) => SourceVerdict,
  ): Promise<void>
  /** Every source one or both sensors saw, newest first. */
  sources(filter?: { kind?: SensorKind; family?: string }): Promise<SensorSource[]>
  /** The events of one session, in order. */
  events(session: string): Promise<StoredEvent[]>
  close(): Promise<void>
}

/** Families that do not mean a device is infected: a source nobody could name, a scanner of another kind. */
export const NOT_INFECTED = new Set(['unknown', 'scanner'])

import type { Dialect } from '../dialect.js'
import { dialectFor } from '../open-store.js'
import { msToIso, timeMs } from '../record-row.js'
import { type Sql, sql } from '../sql.js'
import { SqlStore } from '../sql-store.js'
import type { Store } from '../store.js'
import type {
  DarknetSourceUpdate,
  HoneypotSessionRow,
  SensorKind,
  SensorSource,
  SensorStore,
  SourceVerdict,
  StoredEvent,
} from './sensor-store.js'

type Row = Record<string, unknown>
type Driver = Dialect['driver']

/** Sessions a source's verdict is taken over: its latest ones. */
const SOURCE_SESSIONS = 100

/** Opens the sensor tables of a store (SQLite file or postgres:// URL), upgrading the schema first. */
export async function openSensorStore(spec: string): Promise<SensorStore> {
  const dialect = dialectFor(spec)
  const store = await SqlStore.open(dialect)
  return new SqlSensorStore(dialect, store)
}

class SqlSensorStore implements SensorStore {
  readonly #d: Dialect
  readonly #store: Store
  #writes: Promise<unknown> = Promise.resolve()

  constructor(d: Dialect, store: Store) {
    this.#d = d
    this.#store = store
  }

  #serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.#writes.then(fn, fn)
    this.#writes = next.catch(() => undefined)
    return next
  }

  recordHoneypot(
    batch: { sessions: readonly HoneypotSessionRow[]; events: readonly StoredEvent[] },
    judgeSource: (summaries: Record<string, unknown>[]) => SourceVerdict,
  ): Promise<void> {
    return this.#serial(() =>
      this.#d.driver.transaction(async (tx) => {
        for (const e of batch.events) {
          await tx.run(
            sql`INSERT INTO honeypot_events (session, eventid, ts, event) VALUES (${e.session}, ${e.eventid}, ${timeMs(e.timestamp)}, ${JSON.stringify(e)})`,
          )
        }
        for (const s of batch.sessions) await this.#insertSession(tx, s)
        const sensors = new Map(batch.sessions.map((s) => [s.src_ip, s.sensor]))
        for (const [ip, sensor] of sensors) await this.#judgeHoneypotSource(tx, ip, sensor, judgeSource)
      }),
    )
  }

  async #insertSession(tx: Driver, s: HoneypotSessionRow): Promise<void> {
    const values = [
      s.session,
      s.sensor,
      s.src_ip,
      s.src_port,
      s.dst_ip,
      s.dst_port,
      timeMs(s.started_at),
      timeMs(s.ended_at),
      s.close_reason,
      s.verdict.family,
      s.verdict.confidence,
      JSON.stringify(s.summary),
      JSON.stringify(s.verdict),
    ]
    await tx.run(
      sql`INSERT INTO honeypot_sessions (session, sensor, src_ip, src_port, dst_ip, dst_port, started_at, ended_at,
         close_reason, family, confidence, summary, verdict) VALUES (${sql.join(values)})
       ON CONFLICT (session) DO NOTHING`,
    )
  }

  async #judgeHoneypotSource(
    tx: Driver,
    ip: string,
    sensor: string,
    judge: (summaries: Record<string, unknown>[]) => SourceVerdict,
  ): Promise<void> {
    const rows = await tx.all<Row>(
      sql`SELECT summary, started_at, ended_at FROM honeypot_sessions WHERE src_ip = ${ip}
       ORDER BY started_at DESC LIMIT ${sql.raw(String(SOURCE_SESSIONS))}`,
    )
    const [agg] = await tx.all<Row>(
      sql`SELECT count(*) AS n, min(started_at) AS first, max(ended_at) AS last FROM honeypot_sessions
       WHERE src_ip = ${ip}`,
    )
    const summaries = rows.reverse().map((r) => JSON.parse(r.summary as string) as Record<string, unknown>)
    const verdict = judge(summaries)
    const urls = [...new Set(summaries.flatMap((s) => (s.urls as string[] | undefined) ?? []))].slice(0, 20)
    const evidence = { sessions: Number(agg?.n ?? 0), judged_sessions: summaries.length, urls }
    await this.#upsertSource(tx, 'honeypot', ip, sensor, verdict, evidence, {
      first: Number(agg?.first),
      last: Number(agg?.last),
      observations: Number(agg?.n ?? 0),
    })
  }

  recordDarknet(
    updates: readonly DarknetSourceUpdate[],
    judge: (counters: Record<string, number>, packets: number, spanMs: number) => SourceVerdict,
  ): Promise<void> {
    return this.#serial(() =>
      this.#d.driver.transaction(async (tx) => {
        for (const u of updates) {
          const [old] = await tx.all<Row>(
            sql`SELECT evidence, first_seen, last_seen, observations FROM sensor_sources
             WHERE sensor_kind = 'darknet' AND ip = ${u.ip}`,
          )
          const counters = { ...u.counters }
          let first = timeMs(u.first_seen)
          let last = timeMs(u.last_seen)
          let packets = u.packets
          if (old) {
            const before =
              (JSON.parse(old.evidence as string) as { counters?: Record<string, number> }).counters ?? {}
            for (const [k, v] of Object.entries(before)) counters[k] = (counters[k] ?? 0) + v
            first = Math.min(first, Number(old.first_seen))
            last = Math.max(last, Number(old.last_seen))
            packets += Number(old.observations)
          }
          const verdict = judge(counters, packets, last - first)
          await this.#upsertSource(
            tx,
            'darknet',
            u.ip,
            u.sensor,
            verdict,
            { counters },
            {
              first,
              last,
              observations: packets,
            },
          )
        }
      }),
    )
  }

  async #upsertSource(
    tx: Driver,
    kind: SensorKind,
    ip: string,
    sensor: string,
    v: SourceVerdict,
    evidence: Record<string, unknown>,
    seen: { first: number; last: number; observations: number },
  ): Promise<void> {
    const values = [
      kind,
      ip,
      sensor,
      v.family,
      v.variant ?? null,
      v.confidence,
      JSON.stringify(v.features),
      JSON.stringify(evidence),
      seen.first,
      seen.last,
      seen.observations,
    ]
    await tx.run(
      sql`INSERT INTO sensor_sources (sensor_kind, ip, sensor, family, variant, confidence, features, evidence,
         first_seen, last_seen, observations) VALUES (${sql.join(values)})
       ON CONFLICT (sensor_kind, ip) DO UPDATE SET sensor = excluded.sensor, family = excluded.family,
         variant = excluded.variant, confidence = excluded.confidence, features = excluded.features,
         evidence = excluded.evidence, first_seen = excluded.first_seen, last_seen = excluded.last_seen,
         observations = excluded.observations`,
    )
  }

  async sources(filter: { kind?: SensorKind; family?: string } = {}): Promise<SensorSource[]> {
    const where: Sql[] = []
    if (filter.kind) where.push(sql`sensor_kind = ${filter.kind}`)
    if (filter.family) where.push(sql`family = ${filter.family}`)
    const rows = await this.#d.driver.all<Row>(
      sql`SELECT * FROM sensor_sources ${where.length ? sql`WHERE ${sql.join(where, ' AND ')}` : sql.raw('')}
       ORDER BY last_seen DESC, ip`,
    )
    return rows.map((r) => ({
      sensor_kind: r.sensor_kind as SensorKind,
      ip: r.ip as string,
      sensor: r.sensor as string,
      family: r.family as string,
      ...(r.variant ? { variant: r.variant as string } : {}),
      confidence: Number(r.confidence),
      features: JSON.parse(r.features as string),
      evidence: JSON.parse(r.evidence as string),
      first_seen: msToIso(Number(r.first_seen)),
      last_seen: msToIso(Number(r.last_seen)),
      observations: Number(r.observations),
    }))
  }

  async events(session: string): Promise<StoredEvent[]> {
    const rows = await this.#d.driver.all<Row>(
      sql`SELECT event FROM honeypot_events WHERE session = ${session} ORDER BY id`,
    )
    return rows.map((r) => JSON.parse(r.event as string) as StoredEvent)
  }

  async close(): Promise<void> {
    await this.#writes
    await this.#store.close()
  }
}

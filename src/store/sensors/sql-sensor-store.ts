import type { Dialect } from '../dialect.js'
import { dialectFor } from '../open-store.js'
import { msToIso, timeMs } from '../record-row.js'
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
          const p = this.#d.compiler.params()
          await tx.run(
            `INSERT INTO honeypot_events (session, eventid, ts, event) VALUES (${p.add(e.session)}, ${p.add(e.eventid)}, ${p.add(timeMs(e.timestamp))}, ${p.add(JSON.stringify(e))})`,
            p.values,
          )
        }
        for (const s of batch.sessions) await this.#insertSession(tx, s)
        const sensors = new Map(batch.sessions.map((s) => [s.src_ip, s.sensor]))
        for (const [ip, sensor] of sensors) await this.#judgeHoneypotSource(tx, ip, sensor, judgeSource)
      }),
    )
  }

  async #insertSession(tx: Driver, s: HoneypotSessionRow): Promise<void> {
    const p = this.#d.compiler.params()
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
    ].map((v) => p.add(v))
    await tx.run(
      `INSERT INTO honeypot_sessions (session, sensor, src_ip, src_port, dst_ip, dst_port, started_at, ended_at,
         close_reason, family, confidence, summary, verdict) VALUES (${values.join(', ')})
       ON CONFLICT (session) DO NOTHING`,
      p.values,
    )
  }

  async #judgeHoneypotSource(
    tx: Driver,
    ip: string,
    sensor: string,
    judge: (summaries: Record<string, unknown>[]) => SourceVerdict,
  ): Promise<void> {
    const p = this.#d.compiler.params()
    const rows = await tx.all<Row>(
      `SELECT summary, started_at, ended_at FROM honeypot_sessions WHERE src_ip = ${p.add(ip)}
       ORDER BY started_at DESC LIMIT ${SOURCE_SESSIONS}`,
      p.values,
    )
    const q = this.#d.compiler.params()
    const [agg] = await tx.all<Row>(
      `SELECT count(*) AS n, min(started_at) AS first, max(ended_at) AS last FROM honeypot_sessions
       WHERE src_ip = ${q.add(ip)}`,
      q.values,
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
          const p = this.#d.compiler.params()
          const [old] = await tx.all<Row>(
            `SELECT evidence, first_seen, last_seen, observations FROM sensor_sources
             WHERE sensor_kind = 'darknet' AND ip = ${p.add(u.ip)}`,
            p.values,
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
    const p = this.#d.compiler.params()
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
    ].map((x) => p.add(x))
    await tx.run(
      `INSERT INTO sensor_sources (sensor_kind, ip, sensor, family, variant, confidence, features, evidence,
         first_seen, last_seen, observations) VALUES (${values.join(', ')})
       ON CONFLICT (sensor_kind, ip) DO UPDATE SET sensor = excluded.sensor, family = excluded.family,
         variant = excluded.variant, confidence = excluded.confidence, features = excluded.features,
         evidence = excluded.evidence, first_seen = excluded.first_seen, last_seen = excluded.last_seen,
         observations = excluded.observations`,
      p.values,
    )
  }

  async sources(filter: { kind?: SensorKind; family?: string } = {}): Promise<SensorSource[]> {
    const p = this.#d.compiler.params()
    const where: string[] = []
    if (filter.kind) where.push(`sensor_kind = ${p.add(filter.kind)}`)
    if (filter.family) where.push(`family = ${p.add(filter.family)}`)
    const rows = await this.#d.driver.all<Row>(
      `SELECT * FROM sensor_sources ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY last_seen DESC, ip`,
      p.values,
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
    const p = this.#d.compiler.params()
    const rows = await this.#d.driver.all<Row>(
      `SELECT event FROM honeypot_events WHERE session = ${p.add(session)} ORDER BY id`,
      p.values,
    )
    return rows.map((r) => JSON.parse(r.event as string) as StoredEvent)
  }

  async close(): Promise<void> {
    await this.#writes
    await this.#store.close()
  }
}

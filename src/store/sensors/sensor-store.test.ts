import assert from 'node:assert/strict'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { createTestSchema } from '../dialects/postgres/pg-test-database.js'
import { listInfectedSources } from './infected-sources.js'
import type { HoneypotSessionRow, SensorStore, SourceVerdict } from './sensor-store.js'
import { openSensorStore } from './sql-sensor-store.js'

const T0 = '2026-11-02T10:00:00.000Z'
const T1 = '2026-11-02T10:00:05.000Z'
const T2 = '2026-11-02T11:00:00.000Z'

function session(id: string, ip: string, started: string, lines: string[]): HoneypotSessionRow {
  return {
    session: id,
    sensor: 'hp-1',
    src_ip: ip,
    src_port: 40000,
    dst_ip: '127.90.4.1',
    dst_port: 23,
    started_at: started,
    ended_at: started,
    close_reason: 'client-closed',
    summary: { lines, urls: lines.length ? ['http://198.51.100.1/bins/mirai.arm'] : [] },
    verdict: { family: lines.length ? 'mirai' : 'unknown', confidence: 0.6, features: [] },
  }
}

/** A stand-in judge with a visible rule: a source is mirai once any of its sessions typed a line. */
const judge = (summaries: Record<string, unknown>[]): SourceVerdict =>
  summaries.some((s) => (s.lines as string[]).length > 0)
    ? { family: 'mirai', confidence: 0.9, features: [{ id: 'typed', description: 'typed something' }] }
    : { family: 'unknown', confidence: 1, features: [] }

const darknetJudge = (c: Record<string, number>, packets: number): SourceVerdict =>
  (c.mirai_syns ?? 0) / packets >= 0.9
    ? {
        family: 'mirai',
        confidence: 0.95,
        features: [{ id: 'seq-equals-daddr', description: 'fingerprint' }],
      }
    : { family: 'scanner', confidence: 0.5, features: [] }

function suite(
  name: string,
  open: () => Promise<{ store: SensorStore; dispose(): Promise<void> } | undefined>,
) {
  describe(`sensor store: ${name}`, () => {
    it('stores sessions and events in one transaction and judges each source over all its sessions', async (t) => {
      const opened = await open()
      if (!opened) return t.skip('PostgreSQL unreachable (set CI to make this a failure)')
      const { store } = opened
      try {
        await store.recordHoneypot(
          {
            sessions: [session('a1', '127.90.4.10', T0, [])],
            events: [
              { eventid: 'cowrie.session.connect', timestamp: T0, session: 'a1', src_ip: '127.90.4.10' },
            ],
          },
          judge,
        )
        assert.equal((await store.sources())[0]?.family, 'unknown')
        await store.recordHoneypot(
          { sessions: [session('a2', '127.90.4.10', T2, ['enable'])], events: [] },
          judge,
        )
        const [src] = await store.sources({ kind: 'honeypot' })
        assert.equal(src?.family, 'mirai')
        assert.equal(src?.observations, 2)
        assert.equal(src?.first_seen, T0)
        assert.equal(src?.last_seen, T2)
        assert.deepEqual(src?.evidence.urls, ['http://198.51.100.1/bins/mirai.arm'])
        assert.deepEqual(
          (await store.events('a1')).map((e) => e.eventid),
          ['cowrie.session.connect'],
        )

        // a batch with one bad event stores nothing of the batch
        await assert.rejects(
          store.recordHoneypot(
            {
              sessions: [session('b1', '127.90.4.11', T0, ['x'])],
              events: [{ eventid: 'cowrie.command.input', timestamp: 'not a time', session: 'b1' }],
            },
            judge,
          ),
        )
        assert.equal((await store.sources()).filter((s) => s.ip === '127.90.4.11').length, 0)
      } finally {
        await store.close()
        await opened.dispose()
      }
    })

    it('merges darknet counters across imports; infected sources leave out unknown and plain scanners', async (t) => {
      const opened = await open()
      if (!opened) return t.skip('PostgreSQL unreachable (set CI to make this a failure)')
      const { store } = opened
      try {
        const update = (ip: string, mirai: number, packets: number, first: string, last: string) => ({
          ip,
          sensor: 'telescope',
          first_seen: first,
          last_seen: last,
          packets,
          counters: { syns: packets, mirai_syns: mirai },
        })
        await store.recordDarknet(
          [update('198.51.100.20', 10, 10, T1, T1), update('198.51.100.21', 0, 50, T0, T1)],
          darknetJudge,
        )
        await store.recordDarknet([update('198.51.100.20', 5, 5, T0, T2)], darknetJudge)
        const d = (await store.sources({ kind: 'darknet' })).find((s) => s.ip === '198.51.100.20')
        assert.equal(d?.observations, 15)
        assert.deepEqual(d?.evidence.counters, { syns: 15, mirai_syns: 15 })
        assert.equal(d?.first_seen, T0)
        assert.equal(d?.last_seen, T2)
        await store.recordHoneypot(
          { sessions: [session('c1', '127.90.4.12', T1, ['sh'])], events: [] },
          judge,
        )
        const infected = await listInfectedSources(store)
        assert.deepEqual(infected.map((s) => [s.ip, s.family, s.sensor.kind]).sort(), [
          ['127.90.4.12', 'mirai', 'honeypot'],
          ['198.51.100.20', 'mirai', 'darknet'],
        ])
        assert.deepEqual(
          await listInfectedSources(store, { minConfidence: 0.95 }).then((r) => r.map((s) => s.ip)),
          ['198.51.100.20'],
        )
      } finally {
        await store.close()
        await opened.dispose()
      }
    })
  })
}

const dir = mkdtempSync(join(tmpdir(), 'mamori-sensors-'))
let n = 0
suite('sqlite', async () => ({
  store: await openSensorStore(join(dir, `s${n++}.db`)),
  dispose: async () => {},
}))
suite('postgres', async () => {
  const db = await createTestSchema()
  if (!db) return undefined
  return { store: await openSensorStore(db.url), dispose: () => db.drop() }
})

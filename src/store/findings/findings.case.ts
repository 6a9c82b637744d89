import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { isMamoriError } from '../../core/errors.js'
import { parseIPv4 } from '../../core/ipv4.js'
import type { AuditResult, Finding, ScanRecord } from '../../core/record.js'
import type { FinishedScan } from '../../core/sink.js'
import { parseQuery } from '../../query/parser.js'
import type { StoreHarness } from '../store.case.js'
import type { Store } from '../store.js'
import type { FindingChange, TrackedFinding } from './finding-store.js'

const ALL_STAGES = ['fingerprint', 'audit', 'vuln', 'assess']
const NET = '127.30.5.'
const addr = (host: number) => parseIPv4(`${NET}${host}`) as number

const exposed: Finding = { type: 'telnet-exposed', severity: 'high' }
const defaults: Finding = { type: 'default-credentials', severity: 'critical' }
const adminUi: Finding = { type: 'admin-ui-exposed', severity: 'medium' }
const cve = (id: string): Finding => ({
  type: 'known-vulnerability',
  ref: id,
  severity: 'critical',
  title: id,
})

function rec(
  host: number,
  port: number,
  scan: string,
  at: string,
  findings: Finding[],
  audit?: AuditResult['result'],
) {
  const r: ScanRecord = {
    ip: `${NET}${host}`,
    port,
    transport: 'tcp',
    protocol: port === 80 ? 'http' : 'telnet',
    timestamp: at,
    scan_id: scan,
    status: 'success',
    banner: `banner ${host}`,
    data: {},
    findings,
  }
  if (audit) r.audit = { result: audit, tried: 3 }
  return r
}

/** Stores a scan's records and runs what the store sink runs when the scan ends. */
async function scan(
  store: Store,
  id: string,
  records: ScanRecord[],
  reach: { answered: number[]; ports?: number[]; stages?: string[]; complete?: boolean },
) {
  await store.recordScan({ id, started_at: records[0]?.timestamp ?? '2026-11-01T00:00:00.000Z' })
  await store.ingest(records)
  const finished: FinishedScan = {
    scanId: id,
    coverage: {
      ranges: [[addr(0), addr(255)]],
      tcp: reach.ports ?? [23, 80],
      udp: [],
      stages: reach.stages ?? ALL_STAGES,
      complete: reach.complete ?? true,
    },
    answered: new Set(reach.answered.map(addr)),
  }
  await store.findings.setCoverage(id, finished.coverage)
  await store.findings.recordReach(id, finished.answered)
  const changes: FindingChange[] = []
  const summary = await store.findings.reconcile(id, async (_tx, page) => {
    changes.push(...page)
  })
  return { summary, changes }
}

const byKey = (list: TrackedFinding[]) =>
  Object.fromEntries(
    list.map((f) => [`${f.ip.slice(NET.length)}:${f.port} ${f.type}${f.ref ? ` ${f.ref}` : ''}`, f]),
  )

/** Findings tracked across scans: the same suite on every dialect. */
export function runFindingsSuite(name: string, harness: StoreHarness): void {
  describe(`tracked findings: ${name}`, () => {
    let store: Store
    before(async () => {
      store = await harness.open()
    })
    after(async () => {
      await store.close()
      await harness.dispose()
    })
    const all = async () => byKey(await store.findings.list({ limit: 100 }))

    it('a scan opens what it found, each with its first event; a second CVE on a service is its own finding', async () => {
      const { summary, changes } = await scan(
        store,
        'scan-a',
        [
          rec(1, 23, 'scan-a', '2026-11-01T10:00:00.000Z', [exposed, defaults], 'default-credentials'),
          rec(2, 80, 'scan-a', '2026-11-01T10:00:01.000Z', [
            adminUi,
            cve('CVE-2017-17215'),
            cve('CVE-2014-8361'),
          ]),
          rec(3, 23, 'scan-a', '2026-11-01T10:00:02.000Z', [exposed]),
          rec(4, 23, 'scan-a', '2026-11-01T10:00:03.000Z', [exposed, defaults], 'default-credentials'),
        ],
        { answered: [1, 2, 3, 4] },
      )
      assert.equal(summary.opened, 8)
      assert.equal(changes.length, 8)
      assert.ok(
        changes.every(
          (c) => c.event.to === 'open' && c.event.from === undefined && c.event.actor === 'scan scan-a',
        ),
      )
      const f = await all()
      assert.deepEqual(Object.keys(f).sort(), [
        '1:23 default-credentials',
        '1:23 telnet-exposed',
        '2:80 admin-ui-exposed',
        '2:80 known-vulnerability CVE-2014-8361',
        '2:80 known-vulnerability CVE-2017-17215',
        '3:23 telnet-exposed',
        '4:23 default-credentials',
        '4:23 telnet-exposed',
      ])
      assert.equal(f['1:23 default-credentials']?.state, 'open')
      assert.equal(f['1:23 default-credentials']?.first_scan_id, 'scan-a')
    })

    it('people move states along the state machine, with who and why in the history', async () => {
      const f = await all()
      const ui = f['2:80 admin-ui-exposed'] as TrackedFinding
      const moved = await store.findings.transition(ui.id, 'acknowledged', {
        actor: 'cli:alice',
        note: 'our camera',
      })
      assert.equal(moved.state, 'acknowledged')
      await store.findings.transition((f['1:23 default-credentials'] as TrackedFinding).id, 'notified', {
        actor: 'notice campaign-1',
      })
      await assert.rejects(
        store.findings.transition(ui.id, 'fix-verified', { actor: 'cli:alice' }),
        (e: unknown) => isMamoriError(e) && e.code === 'ERR_USAGE' && /by hand/.test(e.message),
      )
      await assert.rejects(
        store.findings.transition(ui.id, 'closed', { actor: 'cli:alice' }),
        (e: unknown) => isMamoriError(e) && /needs a note/.test(e.message),
      )
      await assert.rejects(
        store.findings.transition(999_999, 'acknowledged', { actor: 'x' }),
        (e: unknown) => isMamoriError(e) && e.code === 'ERR_NOT_FOUND',
      )
      const shown = await store.findings.get(ui.id)
      assert.deepEqual(
        shown?.history.map((e) => [e.from ?? null, e.to, e.actor, e.note ?? null]),
        [
          [null, 'open', 'scan scan-a', 'first found'],
          ['open', 'acknowledged', 'cli:alice', 'our camera'],
        ],
      )
    })

    it('a fix is verified only on evidence; an unreachable host or an unfinished audit leaves it as it was', async () => {
      const { summary, changes } = await scan(
        store,
        'scan-b',
        [
          // the owner changed the password: the audit ran to its end and found nothing
          rec(1, 23, 'scan-b', '2026-11-08T10:00:00.000Z', [exposed], 'no-default-credentials'),
          // the audit was cut short (its budget spent): it proves nothing
          rec(4, 23, 'scan-b', '2026-11-08T10:00:01.000Z', [exposed], 'unknown'),
        ],
        // host 2's web UI is gone but the host answered; host 3 did not answer at all
        { answered: [1, 2, 4] },
      )
      const f = await all()
      assert.equal(f['1:23 default-credentials']?.state, 'fix-verified')
      assert.equal(f['2:80 admin-ui-exposed']?.state, 'fix-verified')
      assert.equal(f['2:80 known-vulnerability CVE-2017-17215']?.state, 'fix-verified')
      assert.equal(f['3:23 telnet-exposed']?.state, 'open')
      assert.equal(f['3:23 telnet-exposed']?.verification, 'unverified: the host did not answer')
      assert.equal(f['4:23 default-credentials']?.state, 'open')
      assert.match(
        f['4:23 default-credentials']?.verification ?? '',
        /audit did not run to its end \(unknown\)/,
      )
      assert.equal(f['1:23 telnet-exposed']?.state, 'open')
      assert.equal(f['1:23 telnet-exposed']?.last_scan_id, 'scan-b')
      assert.equal(summary.fixVerified, 4)
      assert.equal(summary.unverified, 2)
      assert.deepEqual(changes.map((c) => `${c.event.from}->${c.event.to}`).sort(), [
        'acknowledged->fix-verified',
        'notified->fix-verified',
        'open->fix-verified',
        'open->fix-verified',
      ])
      const history = await store.findings.get((f['1:23 default-credentials'] as TrackedFinding).id)
      assert.equal(history?.history.at(-1)?.actor, 'scan scan-b')
      assert.match(history?.history.at(-1)?.note ?? '', /audit stage no longer finds it/)
    })

    it('what comes back after a fix is reopened; an interrupted scan or one without the stage verifies nothing', async () => {
      const { summary } = await scan(
        store,
        'scan-c',
        [rec(2, 80, 'scan-c', '2026-11-15T10:00:00.000Z', [adminUi, cve('CVE-2014-8361')])],
        { answered: [2] },
      )
      assert.equal(summary.reopened, 2)
      let f = await all()
      assert.equal(f['2:80 admin-ui-exposed']?.state, 'reopened')
      const uiHistory = await store.findings.get((f['2:80 admin-ui-exposed'] as TrackedFinding).id)
      assert.deepEqual(
        uiHistory?.history.map((e) => e.to),
        ['open', 'acknowledged', 'fix-verified', 'reopened'],
      )
      // host 3 answers this time, but the scan was interrupted
      await scan(store, 'scan-d', [rec(2, 80, 'scan-d', '2026-11-16T10:00:00.000Z', [adminUi])], {
        answered: [2, 3],
        complete: false,
      })
      f = await all()
      assert.equal(f['3:23 telnet-exposed']?.state, 'open')
      assert.equal(f['3:23 telnet-exposed']?.verification, 'unverified: the scan did not run to its end')
      assert.equal(f['2:80 known-vulnerability CVE-2014-8361']?.state, 'reopened')
      // without a vulnerability database the CVE's absence proves nothing; a scan of port 80 leaves 23 alone
      await scan(store, 'scan-e', [rec(2, 80, 'scan-e', '2026-11-17T10:00:00.000Z', [adminUi])], {
        answered: [2, 3],
        ports: [80],
        stages: ['fingerprint', 'assess'],
      })
      f = await all()
      assert.equal(f['2:80 known-vulnerability CVE-2014-8361']?.state, 'reopened')
      assert.equal(
        f['2:80 known-vulnerability CVE-2014-8361']?.verification,
        'unverified: the vuln stage did not run',
      )
      assert.equal(f['3:23 telnet-exposed']?.state, 'open')
      assert.equal(f['3:23 telnet-exposed']?.last_scan_id, 'scan-a')
      assert.equal(f['3:23 telnet-exposed']?.verification, 'unverified: the scan did not run to its end')
    })

    it('an alert written in the transaction of the change is delivered after it, retried with its id, sent once', async () => {
      const f = await all()
      const id = (f['3:23 telnet-exposed'] as TrackedFinding).id
      const ids: string[] = []
      await store.findings.transition(id, 'acknowledged', { actor: 'cli:bob' }, async (tx, changes) => {
        ids.push(
          ...(await store.outbox.enqueue(tx, [
            {
              topic: 'monitor:lab',
              channel: 'webhook',
              destination: 'http://127.30.9.9/hook',
              payload: { changes: changes.length },
            },
          ])),
        )
      })
      const [item] = await store.outbox.due(10)
      assert.equal(item?.id, ids[0])
      assert.deepEqual(item?.payload, { changes: 1 })
      await store.outbox.markFailed(item?.id as string, 'HTTP 503', { retryAt: Date.now() + 60_000 })
      assert.equal((await store.outbox.due(10)).length, 0, 'not due before its retry time')
      const [later] = await store.outbox.due(10, Date.now() + 61_000)
      assert.equal(later?.id, ids[0])
      assert.equal(later?.attempts, 1)
      await store.outbox.markSent(later?.id as string)
      assert.equal((await store.outbox.due(10, Date.now() + 10 ** 9)).length, 0)
      await assert.rejects(store.outbox.markSent(later?.id as string), /no pending outbox item/)
      // a change whose transaction fails takes its alert with it, and the alert its change
      await assert.rejects(
        store.findings.transition(id, 'notified', { actor: 'cli:bob' }, async (tx) => {
          await store.outbox.enqueue(tx, [
            { topic: 'monitor:lab', channel: 'email', destination: 'mailto:noc@example.test', payload: {} },
          ])
          throw new Error('the monitor could not render its digest')
        }),
        /could not render/,
      )
      assert.equal((await store.findings.get(id))?.finding.state, 'acknowledged')
      assert.equal((await store.outbox.list({ limit: 10 })).length, 1)
    })

    it('lists by the search language, state, type and time of change', async () => {
      const port23 = await store.findings.list({ query: parseQuery('port:23'), limit: 100 })
      assert.ok(port23.length > 0 && port23.every((f) => f.port === 23))
      const fixed = await store.findings.list({ states: ['fix-verified'], limit: 100 })
      assert.ok(fixed.every((f) => f.state === 'fix-verified') && fixed.length === 2)
      const creds = await store.findings.list({ types: ['default-credentials'], limit: 100 })
      assert.deepEqual(
        creds.map((f) => f.ip),
        [`${NET}1`, `${NET}4`],
      )
      const first = await store.findings.list({ limit: 2 })
      const rest = await store.findings.list({ limit: 100, after: first.at(-1)?.id as number })
      assert.equal(first.length + rest.length, (await store.findings.list({ limit: 100 })).length)
      assert.equal((await store.findings.list({ since: '2099-01-01T00:00:00.000Z', limit: 100 })).length, 0)
    })
  })
}

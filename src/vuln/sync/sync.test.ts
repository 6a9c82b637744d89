import assert from 'node:assert/strict'
import { after, before, beforeEach, describe, it } from 'node:test'
import { MamoriError } from '../../core/errors.js'
import { VulnDb } from '../db/vuln-db.js'
import { FakeVulnSources } from '../testing/fake-vuln-sources.js'
import { RateLimiter } from './http-fetcher.js'
import { syncJvn } from './jvn-sync.js'
import { type NvdSyncState, syncNvd } from './nvd-sync.js'
import { syncSource } from './sync-source.js'

// vuln sync servers: 127.60.0.0/16; this file: 127.60.1.0/24
const fake = new FakeVulnSources('127.60.1.1')
let base = ''
const fast = () => new RateLimiter(1000, 1000)

before(async () => {
  base = await fake.start()
})
after(() => fake.stop())
beforeEach(() => fake.reset())

describe('NVD API 2.0 client', () => {
  it('walks all pages with the API key header, retrying 503 and 403', async () => {
    const db = new VulnDb(':memory:')
    fake.faults.push(
      { path: '/rest/json/cves/2.0', nth: 2, status: 503 },
      {
        path: '/rest/json/cves/2.0',
        nth: 3,
        status: 403,
        body: 'Request forbidden by administrative rules.',
      },
    )
    const before = fake.seen.length
    const s = await syncNvd(db, {
      baseUrl: `${base}/rest/json/cves/2.0`,
      apiKey: 'test-key',
      rate: fast(),
      backoffMs: 5,
      now: () => new Date('2026-01-01T00:00:00Z'),
    })
    assert.equal(s.imported, 7)
    assert.equal(s.requests, 4) // 7 records, pages of 2
    const reqs = fake.seen.slice(before)
    assert.equal(reqs.length, 6) // 4 pages + 2 retried answers
    assert.ok(reqs.every((r) => r.headers.apikey === 'test-key'))
    assert.deepEqual(
      reqs.map((r) => r.query.get('startIndex')),
      ['0', '2', '2', '2', '4', '6'],
    )
    assert.equal(db.records('CVE-2023-1389')[0]?.source, 'nvd')
    assert.equal(db.syncState<NvdSyncState>('nvd')?.completedUntil, '2026-01-01T00:00:00.000Z')
    // the next run is incremental from where this one ended
    fake.seen.length = 0
    const again = await syncNvd(db, {
      baseUrl: `${base}/rest/json/cves/2.0`,
      rate: fast(),
      now: () => new Date('2026-03-01T00:00:00Z'),
    })
    assert.equal(again.imported + again.updated, 0)
    assert.equal(fake.seen[0]?.query.get('lastModStartDate'), '2026-01-01T00:00:00.000+00:00')
    db.close()
  })

  it('splits an incremental sync into lastMod windows of at most 120 days', async () => {
    const db = new VulnDb(':memory:')
    db.setSyncState('nvd', { completedUntil: '2025-01-01T00:00:00.000Z' })
    const s = await syncNvd(db, {
      baseUrl: `${base}/rest/json/cves/2.0`,
      rate: fast(),
      now: () => new Date('2025-12-01T00:00:00Z'),
    })
    const windows = fake.seen.map((r) => [
      Date.parse(r.query.get('lastModStartDate') ?? ''),
      Date.parse(r.query.get('lastModEndDate') ?? ''),
    ])
    assert.ok(windows.length >= 3)
    for (const [a, b] of windows) assert.ok((b as number) - (a as number) <= 120 * 86_400_000)
    // records modified in 2025 (real lastModified values), none older
    const ids = ['CVE-2020-10987', 'CVE-2023-1389'].filter((id) => db.records(id).length > 0)
    assert.ok(ids.includes('CVE-2023-1389')) // lastModified 2025-10-21
    assert.equal(s.imported, db.counts().nvd)
    db.close()
  })

  it('resumes an interrupted walk at the page it stopped on', async () => {
    const db = new VulnDb(':memory:')
    for (let nth = 3; nth <= 12; nth++) fake.faults.push({ path: '/rest/json/cves/2.0', nth, status: 500 })
    const opts = {
      baseUrl: `${base}/rest/json/cves/2.0`,
      rate: fast(),
      backoffMs: 2,
      now: () => new Date('2026-01-01Z'),
    }
    await assert.rejects(
      syncNvd(db, opts),
      (e: unknown) => e instanceof MamoriError && e.code === 'ERR_VULN_SYNC',
    )
    assert.equal(db.syncState<NvdSyncState>('nvd')?.current?.nextIndex, 4)
    assert.equal(db.counts().nvd, 4)
    fake.reset()
    const s = await syncNvd(db, opts)
    assert.equal(fake.seen[0]?.query.get('startIndex'), '4')
    assert.equal(s.imported, 3)
    assert.equal(db.counts().nvd, 7)
    db.close()
  })

  it('keeps to the rate limit and honours Retry-After on 429', async () => {
    const db = new VulnDb(':memory:')
    fake.faults.push({ path: '/rest/json/cves/2.0', nth: 1, status: 429, headers: { 'retry-after': '1' } })
    const t0 = Date.now()
    await syncNvd(db, {
      baseUrl: `${base}/rest/json/cves/2.0`,
      rate: new RateLimiter(2, 400),
      backoffMs: 1,
      now: () => new Date('2026-01-01Z'),
    })
    const elapsed = Date.now() - t0
    // 5 requests at 2 per 400 ms need two full windows; Retry-After adds a second
    assert.ok(elapsed >= 1000 + 400, `took ${elapsed} ms`)
    db.close()
  })

  it('refuses a page that is not JSON', async () => {
    const db = new VulnDb(':memory:')
    fake.faults.push({
      path: '/rest/json/cves/2.0',
      nth: 1,
      status: 200,
      body: '{"totalResults": 7, "vulnerabilities": [',
    })
    await assert.rejects(
      syncNvd(db, {
        baseUrl: `${base}/rest/json/cves/2.0`,
        rate: fast(),
        now: () => new Date('2026-01-01Z'),
      }),
      /malformed JSON/,
    )
    db.close()
  })
})

describe('KEV and MyJVN clients', () => {
  it('downloads the KEV catalogue, retrying a 503; a second run changes nothing', async () => {
    const db = new VulnDb(':memory:')
    fake.faults.push({ path: '/kev.json', nth: 1, status: 503 })
    const first = await syncSource(db, 'kev', { url: `${base}/kev.json` })
    assert.equal(first.imported, 1404)
    const second = await syncSource(db, 'kev', { url: `${base}/kev.json` })
    assert.equal(second.unchanged, 1404)
    assert.equal(db.kev('CVE-2023-1389')?.vendorProject, 'TP-Link')
    db.close()
  })

  it('fails clearly when the KEV URL answers 404', async () => {
    const db = new VulnDb(':memory:')
    await assert.rejects(syncSource(db, 'kev', { url: `${base}/nothing.json` }), /HTTP 404/)
    db.close()
  })

  it('pages getVulnOverviewList by the status trailer and fetches details in batches', async () => {
    const db = new VulnDb(':memory:')
    const s = await syncJvn(db, {
      baseUrl: `${base}/myjvn`,
      rate: fast(),
      now: () => new Date('2025-02-01Z'),
    })
    const ids = fake.jvnIds()
    assert.equal(s.ids, ids.length)
    const overview = fake.seen.filter((r) => r.query.get('method') === 'getVulnOverviewList')
    assert.equal(overview.length, Math.ceil(ids.length / fake.jvnMaxItems))
    assert.deepEqual(
      overview.map((r) => r.query.get('startItem')),
      overview.map((_, i) => String(1 + i * fake.jvnMaxItems)),
    )
    assert.equal(overview[0]?.query.get('rangeDatePublished'), 'n')
    const detail = fake.seen.filter((r) => r.query.get('method') === 'getVulnDetailInfo')
    assert.equal(detail.length, 1)
    assert.ok(s.imported >= ids.length)
    const planex = db.records('CVE-2025-21603')
    assert.equal(planex[0]?.source, 'jvn')
    assert.ok(planex[0]?.aliases.includes('JVNDB-2025-000001'))
    db.close()
  })

  it('rejects an unknown source name as bad usage', async () => {
    const db = new VulnDb(':memory:')
    await assert.rejects(
      syncSource(db, 'osv', {}),
      (e: unknown) => e instanceof MamoriError && e.code === 'ERR_USAGE',
    )
    db.close()
  })
})

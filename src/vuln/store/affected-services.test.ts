import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import type { ScanRecord } from '../../core/record.js'
import { parseQuery } from '../../query/parser.js'
import { openStore } from '../../store/open-store.js'
import { sharedData } from '../../testing/shared-data.js'
import { VulnDb } from '../db/vuln-db.js'
import { VulnEnricher } from '../enrich/vuln-enricher.js'
import { importInputs } from '../import/import-inputs.js'
import { VulnMatcher } from '../match/vuln-matcher.js'
import { affectedServices, applyToStore } from './affected-services.js'

const dir = mkdtempSync(join(tmpdir(), 'mamori-vuln-store-'))
const dbFile = join(dir, 'vuln.db')
after(() => rmSync(dir, { recursive: true, force: true }))

function record(ip: string, port: number, fingerprint?: ScanRecord['fingerprint']): ScanRecord {
  const r: ScanRecord = {
    ip,
    port,
    transport: 'tcp',
    protocol: 'http',
    timestamp: '2026-11-25T10:00:00.000Z',
    scan_id: 's-vuln-test',
    status: 'success',
    banner: 'test',
    data: {},
  }
  if (fingerprint) r.fingerprint = fingerprint
  return r
}

const archer = (v: string) => ({
  vendor: 'TP-Link',
  product: 'Archer AX21',
  version: v,
  cpe: [`cpe:2.3:o:tp-link:archer_ax21_firmware:${v}:*:*:*:*:*:*:*`],
})

before(async () => {
  const db = new VulnDb(dbFile)
  await importInputs(db, [
    sharedData('vulns', 'nvd-api2', 'CVE-2023-1389.json'),
    sharedData('vulns', 'kev.json'),
  ])
  db.close()
})

describe('vuln enricher', () => {
  it('sets vulns[] and known-vulnerability findings with severity and KEV', () => {
    const e = new VulnEnricher(() => dbFile)
    const r = record('127.60.2.1', 80, archer('1.1.2'))
    r.findings = [{ type: 'admin-ui-exposed', severity: 'medium' }]
    e.enrich(r)
    assert.deepEqual(r.vulns, [{ id: 'CVE-2023-1389', kev: true, status: 'affected', cvss: 8.8 }])
    assert.equal(r.findings?.length, 2)
    const f = r.findings?.find((x) => x.type === 'known-vulnerability')
    assert.equal(f?.severity, 'high')
    assert.match(f?.title ?? '', /CVE-2023-1389 \(CVSS 3\.1 8\.8, known exploited \(CISA KEV\)\)/)
    // fixed firmware: no vulns, the other finding stays
    const fixed = record('127.60.2.2', 80, archer('1.1.4'))
    e.enrich(fixed)
    assert.equal(fixed.vulns, undefined)
    e.close()
  })

  it('does nothing without a vulnerability database or without a fingerprint', () => {
    const e = new VulnEnricher(() => join(dir, 'absent.db'))
    const r = record('127.60.2.3', 80, archer('1.1.2'))
    e.enrich(r)
    assert.equal(r.vulns, undefined)
    const bare = record('127.60.2.4', 80)
    new VulnEnricher(() => dbFile).enrich(bare)
    assert.equal(bare.vulns, undefined)
  })
})

describe('vuln affected / apply over the store', () => {
  it('lists the services a CVE applies to and stores their vulns', async () => {
    const store = await openStore(join(dir, 'store.db'))
    await store.ingest([
      record('127.60.2.10', 80, archer('1.1.2')),
      record('127.60.2.11', 80, archer('1.1.4')),
      record('127.60.2.12', 80, archer('custom')),
      record('127.60.2.13', 22),
    ])
    const db = new VulnDb(dbFile)
    const found = []
    for await (const s of affectedServices(store, db, 'cve-2023-1389')) found.push([s.ip, s.status])
    assert.deepEqual(found, [
      ['127.60.2.10', 'affected'],
      ['127.60.2.12', 'indeterminate'],
    ])
    await assert.rejects(
      (async () => {
        for await (const _ of affectedServices(store, db, 'CVE-2000-0001')) break
      })(),
      /not in the vulnerability database/,
    )
    const applied = await applyToStore(store, new VulnMatcher(db))
    assert.deepEqual(applied, { services: 2, withVulns: 2 })
    assert.equal(await store.count(parseQuery('vuln:CVE-2023-1389')), 2)
    assert.equal(await store.count(parseQuery('kev:true')), 2)
    // idempotent
    assert.deepEqual(await applyToStore(store, new VulnMatcher(db)), { services: 0, withVulns: 0 })
    db.close()
    await store.close()
  })
})

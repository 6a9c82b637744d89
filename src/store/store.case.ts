import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { isMamoriError } from '../core/errors.js'
import type { ScanRecord } from '../core/record.js'
import { FIELDS } from '../query/fields.js'
import { parseQuery } from '../query/parser.js'
import type { Store } from './store.js'
import { loadBannerCorpus, recordFromBanner } from './testing/banner-corpus.js'

/** What a dialect's test gives the suite: a fresh, empty store and a way to drop it. */
export interface StoreHarness {
  open(): Promise<Store>
  dispose(): Promise<void>
}

const T1 = '2026-11-01T10:00:00.000Z'
const T2 = '2026-11-08T10:00:00.000Z'

function rec(over: Partial<ScanRecord> & Pick<ScanRecord, 'ip' | 'port'>): ScanRecord {
  return {
    transport: 'tcp',
    protocol: 'telnet',
    timestamp: T1,
    scan_id: 'scan-a',
    status: 'success',
    banner: '',
    data: {},
    ...over,
  }
}

/** A small, hand-checked network seen by two scans. */
function fixture(): ScanRecord[] {
  const busybox = { vendor: 'BusyBox', product: 'BusyBox', version: '1.19.4', device_type: 'router', cpe: [] }
  return [
    rec({
      ip: '127.30.1.1',
      port: 23,
      banner: '(none) login: ',
      fingerprint: busybox,
      data: { telnet: { prompt: '(none) login:' } },
    }),
    rec({
      ip: '127.30.1.2',
      port: 2323,
      banner: 'Welcome to DVR\r\nlogin: ',
      data: { telnet: { prompt: 'login:' } },
    }),
    rec({
      ip: '127.30.1.3',
      port: 22,
      protocol: 'ssh',
      banner: 'SSH-2.0-dropbear_2014.63',
      data: { ssh: { software: 'dropbear_2014.63' } },
      fingerprint: {
        product: 'Dropbear SSH',
        version: '2014.63',
        cpe: ['cpe:2.3:a:dropbear_ssh_project:dropbear_ssh:2014.63:*:*:*:*:*:*:*'],
      },
    }),
    rec({
      ip: '127.30.2.1',
      port: 80,
      protocol: 'http',
      banner: 'HTTP/1.1 401 Unauthorized\r\nServer: Hikvision-Webs',
      data: { http: { status_code: 401, server: 'Hikvision-Webs', title: 'Web Login' } },
      fingerprint: { vendor: 'Hikvision', device_type: 'camera', cpe: [] },
      audit: { result: 'default-credentials', tried: 3, username: 'admin' },
    }),
    rec({
      ip: '127.30.2.2',
      port: 8080,
      protocol: 'http',
      banner: 'HTTP/1.1 200 OK\r\nServer: lighttpd/1.4.35',
      data: { http: { status_code: 200, server: 'lighttpd/1.4.35', title: 'Router setup' } },
    }),
    // second scan: one gone (127.30.1.2), one changed (dropbear upgrade), one new
    rec({
      ip: '127.30.1.1',
      port: 23,
      scan_id: 'scan-b',
      timestamp: T2,
      banner: '(none) login: ',
      fingerprint: busybox,
      data: { telnet: { prompt: '(none) login:' } },
    }),
    rec({
      ip: '127.30.1.3',
      port: 22,
      protocol: 'ssh',
      scan_id: 'scan-b',
      timestamp: T2,
      banner: 'SSH-2.0-dropbear_2019.78',
      data: { ssh: { software: 'dropbear_2019.78' } },
      fingerprint: { product: 'Dropbear SSH', version: '2019.78', cpe: [] },
    }),
    rec({
      ip: '127.30.2.1',
      port: 80,
      protocol: 'http',
      scan_id: 'scan-b',
      timestamp: T2,
      banner: 'HTTP/1.1 401 Unauthorized\r\nServer: Hikvision-Webs',
      data: { http: { status_code: 401, server: 'Hikvision-Webs', title: 'Web Login' } },
      fingerprint: { vendor: 'Hikvision', device_type: 'camera', cpe: [] },
      audit: { result: 'default-credentials', tried: 1, username: 'admin' },
    }),
    rec({
      ip: '127.30.2.2',
      port: 8080,
      protocol: 'http',
      scan_id: 'scan-b',
      timestamp: T2,
      banner: 'HTTP/1.1 200 OK\r\nServer: lighttpd/1.4.35',
      data: { http: { status_code: 200, server: 'lighttpd/1.4.35', title: 'Router setup' } },
    }),
    rec({
      ip: '127.30.3.9',
      port: 554,
      protocol: 'rtsp',
      scan_id: 'scan-b',
      timestamp: T2,
      banner: 'RTSP/1.0 200 OK\r\nServer: Dahua Rtsp Server',
    }),
  ]
}

const addrs = async (store: Store, q: string) =>
  (await store.search(parseQuery(q), { limit: 1000 })).map((r) => `${r.ip}:${r.port}`).sort()

/** The conformance suite: every store dialect must pass all of it with the same answers. */
export function runStoreSuite(name: string, harness: StoreHarness): void {
  describe(`store conformance: ${name}`, () => {
    let store: Store
    before(async () => {
      store = await harness.open()
      await store.recordScan({ id: 'scan-a', started_at: T1, parameters: { targets: ['127.30.0.0/16'] } })
      await store.ingest(fixture())
      await store.setVulns(
        { ip: '127.30.2.1', port: 80, transport: 'tcp' },
        [
          { id: 'cve-2017-7921', cvss: 10, kev: true },
          { id: 'CVE-2021-36260', cvss: 9.8, kev: true },
        ],
        [{ type: 'default-credentials', severity: 'critical' }],
      )
      await store.setVulns({ ip: '127.30.1.1', port: 23, transport: 'tcp' }, [
        { id: 'CVE-2021-42374', cvss: 5.3, kev: false },
      ])
      await store.setFindings({ ip: '127.30.1.1', port: 23, transport: 'tcp' }, [
        { type: 'telnet-exposed', severity: 'high' },
      ])
      await store.setHostInfo('127.30.2.1', { country: 'JP', asn: 2497, org: 'Internet Initiative Japan' })
    })
    after(async () => {
      await store.close()
      await harness.dispose()
    })

    it('ingest is idempotent: the same records again store nothing', async () => {
      const before = await store.count(parseQuery(''))
      const again = await store.ingest(fixture())
      assert.deepEqual(again, { stored: 0, duplicates: fixture().length })
      assert.equal(await store.count(parseQuery('')), before)
      assert.equal(before, 6)
      const scans = await store.scans()
      assert.deepEqual(
        scans.map((s) => [s.id, s.records, s.hosts]),
        [
          ['scan-a', 5, 5],
          ['scan-b', 5, 5],
        ],
      )
      assert.deepEqual(scans[0]?.parameters, { targets: ['127.30.0.0/16'] })
    })

    it('a service shows its newest record, whatever order records arrive in', async () => {
      const [ssh] = await store.search(parseQuery('ip:127.30.1.3'), { limit: 5 })
      assert.equal(ssh?.banner, 'SSH-2.0-dropbear_2019.78')
      assert.equal(ssh?.first_seen, T1)
      assert.equal(ssh?.last_seen, T2)
      assert.equal(ssh?.scan_id, 'scan-b')
      // an older observation arriving late changes history, not the current state
      await store.ingest([
        rec({
          ip: '127.30.1.3',
          port: 22,
          protocol: 'ssh',
          scan_id: 'scan-0',
          timestamp: '2026-10-01T00:00:00Z',
          banner: 'SSH-2.0-OpenSSH_5.1',
        }),
      ])
      const [again] = await store.search(parseQuery('ip:127.30.1.3'), { limit: 5 })
      assert.equal(again?.banner, 'SSH-2.0-dropbear_2019.78')
      assert.equal(again?.first_seen, '2026-10-01T00:00:00.000Z')
    })

    const cases: [string, string[]][] = [
      ['port:23,2323', ['127.30.1.1:23', '127.30.1.2:2323']],
      ['port:2000-9000', ['127.30.1.2:2323', '127.30.2.2:8080']],
      ['port:23,2323 -product:"BusyBox"', ['127.30.1.2:2323']],
      ['product:busybox', ['127.30.1.1:23']],
      ['net:127.30.2.0/24', ['127.30.2.1:80', '127.30.2.2:8080']],
      ['-net:127.30.0.0/23', ['127.30.2.1:80', '127.30.2.2:8080', '127.30.3.9:554']],
      ['ip:127.30.1.2', ['127.30.1.2:2323']],
      ['login', ['127.30.1.1:23', '127.30.1.2:2323', '127.30.2.1:80']],
      ['login -none', ['127.30.1.2:2323', '127.30.2.1:80']],
      ['"dropbear 2019"', ['127.30.1.3:22']],
      ['"2019 dropbear"', []],
      ['dropbear_2014.63', []],
      ['banner:Hikvision-Webs', ['127.30.2.1:80']],
      ['http.title:login', ['127.30.2.1:80']],
      ['http.status:200-299', ['127.30.2.2:8080']],
      ['http.server:lighttpd', ['127.30.2.2:8080']],
      ['ssh.version:dropbear', ['127.30.1.3:22']],
      ['telnet.prompt:"(none)"', ['127.30.1.1:23']],
      ['device:camera,router', ['127.30.1.1:23', '127.30.2.1:80']],
      ['vendor:HIKVISION protocol:http', ['127.30.2.1:80']],
      ['version:2019.78', ['127.30.1.3:22']],
      ['scan:scan-a -scan:scan-b', ['127.30.1.2:2323']],
      [
        'after:2026-11-05',
        ['127.30.1.1:23', '127.30.1.3:22', '127.30.2.1:80', '127.30.2.2:8080', '127.30.3.9:554'],
      ],
      ['before:2026-11-05', ['127.30.1.2:2323']],
      ['vuln:CVE-2017-7921', ['127.30.2.1:80']],
      ['kev:true', ['127.30.2.1:80']],
      ['kev:false port:23,80', ['127.30.1.1:23']],
      ['cvss:9-10', ['127.30.2.1:80']],
      ['has_vuln:true', ['127.30.1.1:23', '127.30.2.1:80']],
      ['finding:telnet-exposed', ['127.30.1.1:23']],
      ['severity:critical,high', ['127.30.1.1:23', '127.30.2.1:80']],
      ['country:jp asn:AS2497 org:initiative', ['127.30.2.1:80']],
      ['-country:JP port:80,8080', ['127.30.2.2:8080']],
      ['audit:default-credentials', ['127.30.2.1:80']],
      ['transport:udp', []],
      ['status:success port:554', ['127.30.3.9:554']],
      ['cpe:dropbear_ssh', []],
    ]
    for (const [q, want] of cases) {
      it(`search ${q}`, async () => {
        assert.deepEqual(await addrs(store, q), want)
        assert.equal(await store.count(parseQuery(q)), want.length)
      })
    }

    it('facets count values over the matching set, top-N, with the total', async () => {
      const r = await store.facets(parseQuery('-port:554'), [
        { field: 'port', limit: 2 },
        { field: 'protocol', limit: 10 },
        { field: 'vuln', limit: 10 },
        { field: 'device', limit: 10 },
      ])
      assert.equal(r.total, 5)
      assert.equal(r.facets[0]?.values.length, 2)
      assert.deepEqual(r.facets[1]?.values, [
        { value: 'http', count: 2 },
        { value: 'telnet', count: 2 },
        { value: 'ssh', count: 1 },
      ])
      assert.deepEqual(
        r.facets[2]?.values.map((v) => v.value),
        ['CVE-2017-7921', 'CVE-2021-36260', 'CVE-2021-42374'],
      )
      assert.deepEqual(r.facets[3]?.values, [
        { value: 'camera', count: 1 },
        { value: 'router', count: 1 },
      ])
      await assert.rejects(store.facets(parseQuery(''), [{ field: 'banner', limit: 5 }]), isMamoriError)
      await assert.rejects(store.facets(parseQuery(''), [{ field: 'nope', limit: 5 }]), isMamoriError)
    })

    it('host shows services, vulns, findings and history with what changed', async () => {
      const h = await store.host('127.30.1.3')
      assert.ok(h)
      assert.equal(h.services.length, 1)
      const hist = h.services[0]?.history ?? []
      assert.deepEqual(
        hist.map((e) => [e.scan_id, e.changed]),
        [
          ['scan-0', []],
          ['scan-a', ['banner', 'product', 'version']],
          ['scan-b', ['banner', 'version']],
        ],
      )
      const cam = await store.host('127.30.2.1')
      assert.equal(cam?.country, 'JP')
      assert.equal(cam?.services[0]?.vulns?.length, 2)
      assert.equal(cam?.services[0]?.vulns?.find((v) => v.id === 'CVE-2017-7921')?.kev, true)
      assert.deepEqual(cam?.services[0]?.findings, [{ type: 'default-credentials', severity: 'critical' }])
      assert.equal(await store.host('127.30.9.9'), undefined)
      await assert.rejects(store.host('not-an-ip'), isMamoriError)
    })

    it('diff lists appeared, disappeared and changed services', async () => {
      const d = await store.diff('scan-a', 'scan-b')
      assert.deepEqual(
        d.map((e) => [e.change, `${e.ip}:${e.port}`, e.fields]),
        [
          ['appeared', '127.30.3.9:554', []],
          ['disappeared', '127.30.1.2:2323', []],
          ['changed', '127.30.1.3:22', ['banner', 'version']],
        ],
      )
      assert.equal(d[2]?.before?.version, '2014.63')
      assert.equal(d[2]?.after?.version, '2019.78')
      await assert.rejects(
        store.diff('scan-a', 'nope'),
        (e: unknown) => isMamoriError(e) && e.code === 'ERR_NOT_FOUND',
      )
    })

    it('pages with limit/offset and with the service_id cursor; services() walks everything', async () => {
      const all = await store.search(parseQuery(''), { limit: 100 })
      const page2 = await store.search(parseQuery(''), { limit: 2, offset: 2 })
      assert.deepEqual(
        page2.map((r) => r.service_id),
        all.slice(2, 4).map((r) => r.service_id),
      )
      const afterCursor = await store.search(parseQuery(''), {
        limit: 2,
        after: all[1]?.service_id as number,
      })
      assert.deepEqual(
        afterCursor.map((r) => r.service_id),
        all.slice(2, 4).map((r) => r.service_id),
      )
      const walked: number[] = []
      for await (const s of store.services(parseQuery(''), 2)) walked.push(s.service_id)
      assert.deepEqual(
        walked,
        all.map((r) => r.service_id),
      )
    })

    it('setVulns on an unknown service is ERR_NOT_FOUND and changes nothing', async () => {
      await assert.rejects(
        store.setVulns({ ip: '127.30.9.9', port: 1, transport: 'tcp' }, [{ id: 'CVE-1', kev: false }]),
        (e: unknown) => isMamoriError(e) && e.code === 'ERR_NOT_FOUND',
      )
      assert.deepEqual(await addrs(store, 'vuln:CVE-1'), [])
    })

    it('U+0000 in a query or a scan id is a clear refusal (exit 2), the same on every dialect', async () => {
      const refused = (code: string, message: RegExp) => (e: unknown) =>
        isMamoriError(e) && e.code === code && e.exitCode === 2 && message.test(e.message)
      for (const q of [
        'banner:"a\u0000b"',
        'product:x\u0000',
        'login\u0000',
        'net:127.30.0.0/16 -vendor:"\u0000"',
      ]) {
        await assert.rejects(
          async () => store.search(parseQuery(q), { limit: 10 }),
          refused('ERR_QUERY_SYNTAX', /^U\+0000 \(NUL\) cannot be searched for at column \d+$/),
        )
      }
      await assert.rejects(
        store.diff('scan-a\u0000', 'scan-b'),
        refused('ERR_QUERY_VALUE', /contains U\+0000/),
      )
      assert.equal((await store.diff('scan-a', 'scan-b')).length > 0, true)
    })

    it('injection attempts through every field are data, never SQL', async () => {
      const total = await store.count(parseQuery(''))
      const payloads = [
        `'; DROP TABLE services; --`,
        `" OR 1=1 --`,
        `x') OR ('1'='1`,
        `%' OR '%'='`,
        `\\"; DELETE FROM observations; --`,
        `1 UNION SELECT * FROM scans`,
        `$1`,
        `?`,
      ]
      for (const f of FIELDS) {
        for (const p of payloads) {
          const q = `${f.name}:"${p.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`
          try {
            const rows = await store.search(parseQuery(q), { limit: 10 })
            assert.equal(rows.length, 0, q)
          } catch (err) {
            assert.ok(isMamoriError(err), `${q}: ${(err as Error).message}`)
          }
        }
      }
      // as free text they are words ("1" matches HTTP/1.1): they must run, and change nothing
      for (const p of payloads) {
        const phrase = `"${p.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`
        try {
          assert.ok((await store.count(parseQuery(phrase))) <= total)
        } catch (err) {
          assert.ok(isMamoriError(err), `${phrase}: ${(err as Error).message}`)
        }
      }
      assert.equal(await store.count(parseQuery('')), total)
      assert.equal((await store.scans()).length, 3)
    })

    it('stores hostile banners (NUL, control, huge, non-Latin) and finds them', async () => {
      const big = `needle ${'A'.repeat(60_000)}`
      await store.ingest([
        rec({
          ip: '127.30.4.1',
          port: 23,
          scan_id: 'scan-h',
          banner: 'bad\u0000nul \u001b[31m赤い ログイン',
        }),
        rec({ ip: '127.30.4.2', port: 23, scan_id: 'scan-h', banner: big }),
      ])
      assert.deepEqual(await addrs(store, 'ログイン'), ['127.30.4.1:23'])
      assert.deepEqual(await addrs(store, 'needle'), ['127.30.4.2:23'])
      const [huge] = await store.search(parseQuery('ip:127.30.4.2'), { limit: 1 })
      assert.equal(huge?.banner, big)
      const [h] = await store.search(parseQuery('ip:127.30.4.1'), { limit: 1 })
      assert.equal(h?.banner, 'bad\\x00nul \u001b[31m赤い ログイン')
    })

    it('real Recog banners: every one stored once, port facet matches the corpus', async () => {
      const corpus = loadBannerCorpus()
      const records = corpus.map((b, i) =>
        recordFromBanner(b, `127.31.${i >> 8}.${i & 255}`, 'scan-recog', T2),
      )
      const r = await store.ingest(records)
      assert.equal(r.stored, corpus.length)
      const facets = await store.facets(parseQuery('net:127.31.0.0/16'), [{ field: 'port', limit: 10 }])
      assert.equal(facets.total, corpus.length)
      for (const { value, count } of facets.facets[0]?.values ?? []) {
        assert.equal(count, corpus.filter((b) => b.port === value).length)
      }
      const sshWithDropbear = corpus.filter((b) => b.protocol === 'ssh' && /dropbear/i.test(b.banner)).length
      assert.ok(sshWithDropbear > 0)
      assert.equal(
        await store.count(parseQuery('net:127.31.0.0/16 port:22 banner:dropbear')),
        sshWithDropbear,
      )
    })
  })
}

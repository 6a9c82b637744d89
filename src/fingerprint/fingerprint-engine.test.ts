import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { ScanRecord } from '../core/record.js'
import { sharedData } from '../testing/shared-data.js'
import { isCpe23 } from './cpe.js'
import { FingerprintEngine } from './fingerprint-engine.js'
import { createFingerprintEnricher } from './fingerprint-enricher.js'

const engine = FingerprintEngine.load({ recogDir: sharedData('recog') })

test('own rules and Recog together: the most specific candidate decides, all are kept', () => {
  const fp = engine.fingerprint([{ key: 'ssh.banner', value: 'SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3' }], 22)
  assert.equal(fp.product, 'OpenSSH')
  assert.equal(fp.version, '9.2p1')
  // a general-purpose OS is not a device vendor: the makers stay in the CPEs
  assert.equal(fp.vendor, undefined)
  assert.equal(fp.os, 'Debian Linux')
  assert.ok(fp.cpe.includes('cpe:2.3:a:openbsd:openssh:9.2p1:*:*:*:*:*:*:*'), fp.cpe.join(' '))
  assert.ok(fp.cpe.includes('cpe:2.3:o:debian:debian_linux:*:*:*:*:*:*:*:*'), fp.cpe.join(' '))
  for (const c of fp.cpe) assert.ok(isCpe23(c), c)
  const engines = new Set(fp.candidates?.map((c) => c.engine))
  assert.deepEqual([...engines].sort(), ['mamori', 'recog'])
  // equally specific candidates: the higher preference, then mamori's own rules, decide
  assert.equal(fp.rule, 'mamori:openssh-debian')
})

test('observations from several keys combine without conflict', () => {
  const fp = engine.fingerprint(
    [
      { key: 'http.server', value: 'uc-httpd 1.0.0' },
      { key: 'http.title', value: 'NETSurveillance WEB' },
    ],
    80,
  )
  assert.equal(fp.vendor, 'Xiongmai')
  assert.equal(fp.device_type, 'dvr')
})

test("a banner too generic to identify anything yields candidates but no identity (Recog's certainty 0)", () => {
  const fp = engine.fingerprint([{ key: 'telnet.banner', value: 'login:' }], 23)
  assert.equal(fp.vendor, undefined)
  assert.equal(fp.product, undefined)
  assert.ok((fp.candidates?.length ?? 0) > 0)
})

test('unknown keys and empty input give an empty fingerprint', () => {
  assert.deepEqual(engine.fingerprint([{ key: 'nothing.here', value: 'x' }], 1), { cpe: [] })
  assert.deepEqual(engine.fingerprint([], 1), { cpe: [] })
})

test('the prefilter changes speed, not results', () => {
  const plain = FingerprintEngine.load({ recogDir: sharedData('recog'), prefilter: false })
  const banners = [
    ['http.server', 'lighttpd/1.4.69'],
    ['http.server', 'Apache/2.4.57 (Debian)'],
    ['ssh.banner', 'SSH-2.0-dropbear_2022.83'],
    ['telnet.banner', 'BusyBox v1.35.0 (2022-11-19) built-in shell (ash)'],
    ['ftp.banner', '220 (vsFTPd 3.0.3)'],
    ['http.title', 'Synology DiskStation - DS218'],
  ] as const
  for (const [key, value] of banners) {
    const a = engine.candidates([{ key, value }]).map((m) => m.rule.id)
    const b = plain.candidates([{ key, value }]).map((m) => m.rule.id)
    assert.deepEqual(a, b, value)
  }
})

test('adversarial banners finish quickly on every loaded pattern', () => {
  const evil = [
    'a'.repeat(50_000),
    ' '.repeat(50_000),
    `${'1.'.repeat(20_000)}!`,
    `${'\r\n'.repeat(20_000)}x`,
  ]
  const start = performance.now()
  for (const key of [
    'telnet.banner',
    'ssh.banner',
    'http.server',
    'http.title',
    'ftp.banner',
    'snmp.sysdescr',
  ])
    for (const value of evil) engine.candidates([{ key, value }])
  assert.ok(performance.now() - start < 5000, `${performance.now() - start} ms`)
})

test('random bytes under every key never throw', () => {
  // deterministic pseudo-random banners (xorshift), including control bytes and Latin-1
  let x = 0x9e3779b9
  const next = () => {
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    return x >>> 0
  }
  const keys = [
    'telnet.banner',
    'ssh.banner',
    'http.server',
    'http.title',
    'ftp.banner',
    'snmp.sysdescr',
    'x509.subject',
  ]
  for (let i = 0; i < 2000; i++) {
    const length = next() % 300
    let value = ''
    for (let j = 0; j < length; j++) value += String.fromCharCode(next() % 256)
    const fp = engine.fingerprint([{ key: keys[i % keys.length] as string, value }], 0)
    assert.ok(Array.isArray(fp.cpe))
  }
})

test('the enricher fingerprints a record from its module data', async () => {
  const record: ScanRecord = {
    ip: '127.40.0.1',
    port: 22,
    transport: 'tcp',
    protocol: 'ssh',
    timestamp: new Date(0).toISOString(),
    scan_id: 's',
    status: 'success',
    banner: 'SSH-2.0-dropbear_2020.81',
    data: { ssh: { line: 'SSH-2.0-dropbear_2020.81', software: 'dropbear_2020.81' } },
  }
  await createFingerprintEnricher(engine).enrich(record)
  assert.equal(record.fingerprint?.product, 'Dropbear')
  assert.equal(record.fingerprint?.version, '2020.81')
})

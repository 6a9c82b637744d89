import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { ScanRecord } from '../core/record.js'
import { createAssessEnricher } from './assess-enricher.js'

function record(
  protocol: string,
  result: unknown,
  ip = '127.70.15.1',
  status: ScanRecord['status'] = 'success',
): ScanRecord {
  return {
    ip,
    port: 1,
    transport: 'tcp',
    protocol,
    timestamp: '2026-11-25T00:00:00.000Z',
    scan_id: 's',
    status,
    banner: '',
    data: { [protocol]: result },
  }
}

function types(r: ScanRecord): string[] {
  return (r.findings ?? []).map((f) => `${f.type}:${f.severity}`)
}

test('each exposure rule fires on its evidence and stays silent without it', async () => {
  const cases: [ScanRecord, string[]][] = [
    [record('telnet', { prompt_kind: 'login', prompt: '(none) login:' }), ['telnet-exposed:high']],
    [record('telnet', { prompt_kind: 'shell', prompt: '# ' }), ['telnet-exposed:critical']],
    [record('telnet', { prompt_kind: 'login' }, '127.70.15.1', 'io-timeout'), []],
    [
      record('rtsp', { describe: [], unauthenticated_stream: { path: '/11', media: ['video H264'] } }),
      ['unauthenticated-rtsp:high'],
    ],
    [record('rtsp', { describe: [], auth: { scheme: 'Digest' } }), []],
    [record('mqtt', { anonymous: true, v311: { accepted: true } }), ['open-mqtt-broker:high']],
    [record('mqtt', { anonymous: false }), []],
    [
      record('upnp', {
        responses: [{}],
        description: { services: ['urn:schemas-upnp-org:service:WANIPConnection:1'] },
      }),
      ['upnp-exposed:high'],
    ],
    [record('upnp', { responses: [{ server: 'x' }] }), ['upnp-exposed:medium']],
    [record('tr069', { status_code: 401, cwmp_evidence: [] }), ['tr069-exposed:medium']],
    [
      record('adb', { connected: true, auth_required: false, reply: 'CNXN', system_type: 'device' }),
      ['adb-exposed:critical'],
    ],
    [record('adb', { connected: false, auth_required: true, reply: 'AUTH' }), ['adb-exposed:high']],
    [
      record('http', { status_code: 200, headers: [], title: 'NETSurveillance WEB' }),
      ['admin-ui-exposed:medium'],
    ],
    [
      record('http', { status_code: 401, headers: [], www_authenticate: { scheme: 'Basic', realm: 'x' } }),
      ['admin-ui-exposed:medium'],
    ],
    [record('http', { status_code: 200, headers: [], title: 'It works!' }), []],
    [record('ftp', { banner: '', anonymous: true }), ['anonymous-ftp:medium']],
    [
      record('snmp', { answers: true, community_tried: true, public_community: true }),
      ['snmp-public-community:high'],
    ],
    [record('snmp', { answers: true, community_tried: false }), []],
    // a failed grab never yields a finding, whatever its partial result says
    [record('mqtt', { anonymous: true }, '127.70.15.1', 'io-error'), []],
    // inside TLS on 8883
    [
      record('tls', {
        chain: [],
        wrapped: { protocol: 'mqtt', status: 'success', result: { anonymous: true } },
      }),
      ['open-mqtt-broker:high'],
    ],
  ]
  for (const [r, expected] of cases) {
    const enricher = createAssessEnricher()
    await enricher.enrich(r)
    assert.deepEqual(types(r), expected, JSON.stringify(r.data))
  }
})

test("a certificate seen on a second host is a vendor default; other stages' findings are kept", async () => {
  const enricher = createAssessEnricher()
  assert.equal(enricher.name, 'assess')
  const cert = { fingerprint: 'ab'.repeat(32), subject: 'CN=IPC' }
  const first = record('tls', { chain: [], cert }, '127.70.15.1')
  const samehost = record('tls', { chain: [], cert }, '127.70.15.1')
  const second = record('tls', { chain: [], cert }, '127.70.15.2')
  second.findings = [{ type: 'default-credentials', severity: 'critical' }]
  const other = record('tls', { chain: [], cert: { ...cert, fingerprint: 'cd'.repeat(32) } }, '127.70.15.3')
  for (const r of [first, samehost, second, other]) await enricher.enrich(r)
  assert.deepEqual(types(first), [])
  assert.deepEqual(types(samehost), [])
  assert.deepEqual(types(second), ['default-credentials:critical', 'default-certificate:medium'])
  assert.deepEqual(types(other), [])
})

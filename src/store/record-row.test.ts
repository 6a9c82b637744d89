import assert from 'node:assert/strict'
import { test } from 'node:test'
import { parseQuery } from '../query/parser.js'
import { scanRecord } from '../testing/scan-record.js'
import { openStore } from './open-store.js'
import { COL_INDEX, recordToRow, timeMs } from './record-row.js'

// what the tls module records for HTTPS: the certificate, and the HTTP inside under wrapped.result
const https = scanRecord({
  ip: '127.30.4.1',
  port: 443,
  protocol: 'tls',
  banner: 'HTTP/1.1 200 OK\r\nServer: Boa/0.94.14rc21',
  data: {
    tls: {
      version: 'TLSv1.2',
      wrapped: {
        protocol: 'http',
        status: 'success',
        result: { status_code: 200, server: 'Boa/0.94.14rc21', title: 'IP Camera Login' },
      },
    },
  },
})

test('HTTP inside TLS fills the http.* columns, so HTTPS pages are found by http.title', async () => {
  const row = recordToRow(https)
  assert.equal(row[COL_INDEX.http_title], 'IP Camera Login')
  assert.equal(row[COL_INDEX.http_server], 'Boa/0.94.14rc21')
  assert.equal(row[COL_INDEX.http_status], 200)
  const store = await openStore(':memory:')
  try {
    await store.ingest([
      https,
      scanRecord({ ip: '127.30.4.2', port: 443, protocol: 'tls', data: { tls: {} } }),
    ])
    const found = await store.search(
      parseQuery('http.title:"camera login" http.status:200 http.server:boa'),
      {
        limit: 10,
      },
    )
    assert.deepEqual(
      found.map((r) => `${r.ip}:${r.port}`),
      ['127.30.4.1:443'],
    )
  } finally {
    await store.close()
  }
})

test('a wrapped result of another protocol fills no http.* column', () => {
  const mqtts = scanRecord({
    ip: '127.30.4.3',
    port: 8883,
    protocol: 'tls',
    data: { tls: { wrapped: { protocol: 'mqtt', status: 'success', result: { title: 'not http' } } } },
  })
  assert.equal(recordToRow(mqtts)[COL_INDEX.http_title], null)
})

test('a record time reads as Date.parse reads it, in the canonical form and any other', () => {
  // every day of 2024 (a leap year) and 2100 (not one) at varied times, as toISOString writes them
  for (const year of [2024, 2100]) {
    for (let t = Date.UTC(year, 0, 1); t < Date.UTC(year + 1, 0, 1); t += 86_400_000 + 3_723_457) {
      const iso = new Date(t).toISOString()
      assert.equal(timeMs(iso), t, iso)
    }
  }
  for (const other of [
    '2026-11-26T02:19:28Z',
    '2026-11-26T02:19:28.123+09:00',
    '2026-02-29T00:00:00.000Z', // no such day: Date.parse's answer, whatever it is
    '0050-06-01T12:00:00.000Z',
    '2026-11-26 02:19:28.123Z',
  ]) {
    const parsed = Date.parse(other)
    if (Number.isNaN(parsed)) assert.throws(() => timeMs(other), /not a time/)
    else assert.equal(timeMs(other), parsed, other)
  }
  for (const bad of [
    '2026-13-01T00:00:00.000Z',
    '2026-1x-01T00:00:00.000Z',
    '2026-11-26T24:61:00.000Z',
    'soon',
  ]) {
    assert.throws(() => timeMs(bad), /not a time/, bad)
  }
})

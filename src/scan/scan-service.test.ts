import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import tls from 'node:tls'
import { dataPath } from '../core/paths.js'
import type { ScanRecord } from '../core/record.js'
import { DEFAULT_DISCOVERY } from '../discovery/discovery.js'
import { scan } from './scan-service.js'

// This file's loopback block: 127.120.1.0/24. Three hosts serve HTTPS on 443 with one certificate,
// as devices with a vendor-default certificate do.
const HOSTS = ['127.120.1.1', '127.120.1.2', '127.120.1.3']
const servers: tls.Server[] = []
const dir = await mkdtemp(join(tmpdir(), 'mamori-scan-service-'))

before(async () => {
  const pem = readFileSync(dataPath('lab', 'certs', 'hikvision-dvrnvr.pem'), 'utf8')
  for (const host of HOSTS) {
    const server = tls.createServer({ cert: pem, key: pem }, (s) => {
      s.on('error', () => {})
      s.once('data', () => s.end('HTTP/1.1 200 OK\r\nServer: lab\r\nContent-Length: 0\r\n\r\n'))
    })
    server.on('tlsClientError', () => {})
    servers.push(server)
    await new Promise<void>((resolve) => server.listen(443, host, resolve))
  }
})
after(async () => {
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))))
  await rm(dir, { recursive: true, force: true })
})

/** One `mamori scan` in this process, its records kept in memory. */
async function scanHosts(targets: string[]): Promise<ScanRecord[]> {
  const records: ScanRecord[] = []
  await scan(
    { targets, ports: '443', exclude: [], seed: 1 },
    {
      discovery: DEFAULT_DISCOVERY,
      grabConcurrency: 4,
      auditLog: join(dir, 'audit.jsonl'),
      sinks: async () => [{ write: (r) => void records.push(r), close: async () => {} }],
    },
  )
  return records
}

const sharedCertificate = (records: ScanRecord[]) =>
  records.filter((r) => r.findings?.some((f) => f.type === 'default-certificate')).map((r) => r.ip)

test('two scans in one process count shared certificates each on its own', async () => {
  const first = await scanHosts([HOSTS[0] as string])
  assert.equal(first.length, 1)
  assert.equal(first[0]?.protocol, 'tls')
  assert.deepEqual(sharedCertificate(first), [])
  // the second host alone shares its certificate with no other host of this scan
  const second = await scanHosts([HOSTS[1] as string])
  assert.equal(second[0]?.protocol, 'tls')
  assert.deepEqual(sharedCertificate(second), [])
  // within one scan the rule still works: every host after the first is flagged
  const all = await scanHosts(HOSTS)
  assert.equal(all.length, 3)
  assert.equal(sharedCertificate(all).length, 2)
  assert.match(
    all.flatMap((r) => r.findings ?? []).find((f) => f.type === 'default-certificate')?.detail ?? '',
    /seen on [23] hosts in this scan/,
  )
})

import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import net from 'node:net'
import { after, before, test } from 'node:test'
import type { ScanRecord } from '../../core/record.js'
import { FingerprintEngine } from '../fingerprint-engine.js'
import { createFingerprintEnricher } from '../fingerprint-enricher.js'
import { RuleSet } from '../rule-set.js'
import { DEFAULT_NMAP_PROBES, loadNmapProbes, loadNmapProbesFile } from './load-nmap-probes.js'
import { probeService } from './nmap-prober.js'

// this file's loopback block: 127.40.1.0/24
const HOST = '127.40.1.1'
const servers: net.Server[] = []

/** A server that stays silent until it hears `trigger`, then answers `reply` and closes. */
function listen(port: number, trigger: string, reply: string): Promise<void> {
  const server = net.createServer((sock) => {
    let heard = ''
    sock.on('data', (d) => {
      heard += d.toString('latin1')
      if (heard.includes(trigger)) sock.end(reply)
    })
    sock.on('error', () => {})
  })
  servers.push(server)
  return new Promise((resolve) => server.listen(port, HOST, resolve))
}

before(async () => {
  await listen(40180, 'GET / HTTP/1.0\r\n\r\n', 'HTTP/1.0 200 OK\r\nServer: lighttpd/1.4.69\r\n\r\n')
  await listen(40181, 'never', '')
})
after(() => {
  for (const s of servers) s.close()
})

const SAMPLE = `Probe TCP NULL q||
Probe TCP GetRequest q|GET / HTTP/1.0\\r\\n\\r\\n|
rarity 1
ports 80
match http m|^HTTP/1\\.[01] \\d\\d\\d .*\\r\\nServer: lighttpd/([\\w._-]+)\\r\\n|s p/lighttpd/ v/$1/
Probe TCP Rare q|RARE\\r\\n|
rarity 9
match rare m|^never| p/rare/
`

test('a silent service is identified by the probes it answers, sent in rarity order', async () => {
  const load = loadNmapProbes(SAMPLE, 'sample')
  const result = await probeService(
    { ip: HOST, port: 40180, transport: 'tcp' },
    load.probes,
    new RuleSet(load.rules),
    {
      maxWaitMs: 300,
    },
  )
  assert.equal(result.match?.fields['service.product'], 'lighttpd')
  assert.equal(result.match?.fields['service.version'], '1.4.69')
  assert.deepEqual(
    result.sent.map((s) => s.probe),
    ['NULL', 'GetRequest'],
  )
})

test('a service that never answers costs at most one connection per allowed probe', async () => {
  const load = loadNmapProbes(SAMPLE, 'sample')
  const started = Date.now()
  const result = await probeService(
    { ip: HOST, port: 40181, transport: 'tcp' },
    load.probes,
    new RuleSet(load.rules),
    {
      maxWaitMs: 200,
      intensity: 7,
    },
  )
  assert.equal(result.match, undefined)
  // the rarity-9 probe is above intensity 7 and not listed for this port
  assert.deepEqual(
    result.sent.map((s) => s.probe),
    ['NULL', 'GetRequest'],
  )
  assert.ok(Date.now() - started < 2000)
})

test('ports the probe file excludes (printers) get no probe at all', async () => {
  const load = loadNmapProbes(`Exclude T:40180\n${SAMPLE}`, 'sample')
  const result = await probeService(
    { ip: HOST, port: 40180, transport: 'tcp' },
    load.probes,
    new RuleSet(load.rules),
    {
      exclude: load.excludeTcp,
    },
  )
  assert.deepEqual(result.sent, [])
  assert.equal(result.match, undefined)
})

test('a closed port stops probing at once', async () => {
  const load = loadNmapProbes(SAMPLE, 'sample')
  const result = await probeService(
    { ip: HOST, port: 40189, transport: 'tcp' },
    load.probes,
    new RuleSet(load.rules),
  )
  assert.deepEqual(result.sent, [])
})

test("with nmap's real probe file, the HTTP answer is recognised", {
  skip: !existsSync(DEFAULT_NMAP_PROBES),
}, async () => {
  const load = loadNmapProbesFile()
  const result = await probeService(
    { ip: HOST, port: 40180, transport: 'tcp' },
    load.probes,
    new RuleSet(load.rules),
    {
      maxWaitMs: 300,
      maxProbes: 6,
    },
  )
  assert.equal(result.match?.fields['service.product'], 'lighttpd')
})

test('the enricher probes a silent unrecognised service when asked to, and only then', async () => {
  const load = loadNmapProbes(SAMPLE, 'sample')
  const engine = new FingerprintEngine(load.rules, [], {}, load.probes)
  const silent = (): ScanRecord => ({
    ip: HOST,
    port: 40180,
    transport: 'tcp',
    protocol: 'unknown',
    timestamp: new Date(0).toISOString(),
    scan_id: 's',
    status: 'success',
    banner: '',
    data: {},
  })
  const passive = silent()
  await createFingerprintEnricher(engine).enrich(passive)
  assert.equal(passive.fingerprint, undefined)
  const active = silent()
  await createFingerprintEnricher(engine, { activeProbe: { maxWaitMs: 300 } }).enrich(active)
  assert.equal(active.fingerprint?.product, 'lighttpd')
  assert.equal(active.fingerprint?.version, '1.4.69')
  assert.match(active.fingerprint?.rule ?? '', /^nmap:GetRequest:\d+$/)
})

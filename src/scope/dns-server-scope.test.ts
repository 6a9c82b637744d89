import assert from 'node:assert/strict'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { buildScanPlan } from '../scan/scan-plan.js'
import { startTinyDnsServer } from '../targets/testing/tiny-dns-server.js'
import { runCli } from '../testing/cli-child.js'

// Targets are literal addresses: no name is resolved, so no DNS query could leave even if the
// check were missing (the test must never send one to 10.0.0.53).
const dir = mkdtempSync(join(tmpdir(), 'mamori-dns-scope-'))
after(() => rmSync(dir, { recursive: true, force: true }))
const request = { targets: ['127.33.1.1'], ports: '1', exclude: [] }

describe('--dns-server is scope-checked before any packet', () => {
  it('a DNS server outside scope is refused; one in scope or named in dns_servers is used', async () => {
    await assert.rejects(buildScanPlan({ ...request, dnsServers: ['10.0.0.53'] }), {
      code: 'ERR_SCOPE_REFUSED',
      message:
        "refused DNS server 10.0.0.53: it is outside scope loopback (default scope); name it in the scope file's dns_servers to use it",
    })
    await assert.rejects(
      buildScanPlan({ ...request, dnsServers: ['10.0.0.53:5353'] }),
      /refused DNS server 10\.0\.0\.53:5353/,
    )
    await assert.rejects(buildScanPlan({ ...request, dnsServers: ['[2001:db8::53]:53'] }), {
      code: 'ERR_USAGE',
    })
    assert.ok(await buildScanPlan({ ...request, dnsServers: ['127.33.1.53:5353'] }))
    const scopeFile = join(dir, 'scope.yaml')
    writeFileSync(
      scopeFile,
      'owner: lab\ncontact: lab@example.org\nauthorised_by: lab\ncidrs: [127.33.0.0/16]\ndns_servers: [10.0.0.53]\n',
    )
    const plan = await buildScanPlan({ ...request, scopeFile, dnsServers: ['10.0.0.53'] })
    assert.equal(plan.request.dnsServers?.[0], '10.0.0.53')
  })

  it('`mamori scan --dns-server 10.0.0.53` exits 2 and logs no scan', async () => {
    const auditLog = join(dir, 'audit.jsonl')
    const r = await runCli(['scan', '127.33.1.1', '-p', '1', '--dns-server', '10.0.0.53'], {
      env: { MAMORI_AUDIT_LOG: auditLog },
      timeoutMs: 30_000,
    })
    assert.equal(r.code, 2)
    assert.match(r.stderr, /^mamori: refused DNS server 10\.0\.0\.53: it is outside scope/)
    assert.equal(existsSync(auditLog), false)
  })
})

describe('the audit log records what was scanned, not only what was typed', () => {
  it('resolved addresses as ranges, and each hostname with its addresses', async () => {
    // this test's DNS server: 127.33.2.53 (block 127.33.0.0/16)
    const dns = await startTinyDnsServer('127.33.2.53', { 'cam.lab.test': ['127.33.2.9', '127.33.2.10'] })
    try {
      const list = join(dir, 'targets.txt')
      writeFileSync(list, '# the lab\n127.33.3.0/25\n127.33.3.128-127.33.3.255\ncam.lab.test\n127.33.4.7\n')
      const auditLog = join(dir, 'scanned.jsonl')
      const r = await runCli(
        [
          'scan',
          `@${list}`,
          '127.33.5.1-127.33.5.3',
          '-p',
          '1',
          '--rate',
          '2000',
          '--dns-server',
          dns.address,
        ],
        { env: { MAMORI_AUDIT_LOG: auditLog }, timeoutMs: 60_000 },
      )
      assert.equal(r.code, 0, r.stderr)
      const entry = JSON.parse(readFileSync(auditLog, 'utf8'))
      assert.deepEqual(entry.targets, [`@${list}`, '127.33.5.1-127.33.5.3'])
      assert.deepEqual(entry.scanned, {
        addresses: 262,
        ranges: ['127.33.2.9-127.33.2.10', '127.33.3.0/24', '127.33.4.7', '127.33.5.1-127.33.5.3'],
        hostnames: { 'cam.lab.test': ['127.33.2.9-127.33.2.10'] },
      })
    } finally {
      await dns.stop()
    }
  })
})

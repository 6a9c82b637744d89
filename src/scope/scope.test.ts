import assert from 'node:assert/strict'
import { mkdtemp, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { isMamoriError } from '../core/errors.js'
import { parseIPv4 } from '../core/ipv4.js'
import { resolveExcludes, resolveTargets } from '../targets/target-spec.js'
import { startTinyDnsServer } from '../targets/testing/tiny-dns-server.js'
import { appendAuditEntry } from './audit-log.js'
import { IPv4RangeSet } from './range-set.js'
import { enforceScope, loopbackScope, type Scope } from './scope.js'
import { loadScopeFile } from './scope-file.js'

const dir = await mkdtemp(join(tmpdir(), 'mamori-scope-'))
let n = 0
async function scopeFile(yaml: string): Promise<string> {
  const path = join(dir, `scope-${n++}.yaml`)
  await writeFile(path, yaml)
  return path
}

const GOOD = `owner: Example Corp
contact: noc@example.org
authorised_by: CISO, ticket SEC-42
cidrs: [198.51.100.0/24, 203.0.114.0/24, 8.8.8.0/24]
exclude: [8.8.8.8]
credential_audit: true
`

async function check(scope: Scope, targets: string[], exclude: string[] = []): Promise<IPv4RangeSet> {
  return enforceScope(scope, await resolveTargets(targets), await resolveExcludes(exclude))
}

async function refused(scope: Scope, targets: string[], pattern: RegExp, exclude: string[] = []) {
  await assert.rejects(check(scope, targets, exclude), (err) => {
    assert.ok(isMamoriError(err))
    assert.equal(err.code, 'ERR_SCOPE_REFUSED')
    assert.equal(err.exitCode, 2)
    assert.match(err.message, pattern)
    return true
  })
}

test('loopback is the default scope, whatever the spelling', async () => {
  for (const t of [
    '127.16.0.1',
    '127.1',
    '2130706433',
    '0x7f100001',
    '::ffff:127.16.0.1',
    '127.17.0.0/16',
    'localhost',
  ]) {
    assert.ok((await check(loopbackScope, [t])).size >= 1, t)
  }
})

test('targets outside the default scope are refused, naming the target and the scope', async () => {
  await refused(loopbackScope, ['8.8.8.8'], /refused target 8\.8\.8\.8: it is outside scope loopback/)
  await refused(loopbackScope, ['0x08080808'], /refused target 0x08080808: .*outside scope loopback/)
  await refused(loopbackScope, ['::ffff:8.8.8.8'], /::ffff:8\.8\.8\.8/)
  // a CIDR straddling the edge of loopback: the first address at fault is named
  await refused(
    loopbackScope,
    ['127.255.255.0-128.0.0.255'],
    /127\.255\.255\.0-128\.0\.0\.255 \(256 addresses out of scope, first 128\.0\.0\.0\)/,
  )
  await refused(loopbackScope, ['127.16.0.1', '10.1.2.3'], /10\.1\.2\.3: it is in 10\.0\.0\.0\/8 \(RFC 1918/)
})

test('a scope file extends the scope; its exclusions and the user exclusions remove addresses', async () => {
  const scope = await loadScopeFile(await scopeFile(GOOD))
  assert.equal(scope.owner, 'Example Corp')
  assert.equal(scope.credentialAudit, true)
  assert.match(scope.hash ?? '', /^[0-9a-f]{64}$/)
  assert.equal((await check(scope, ['8.8.8.0/28'], ['8.8.8.8'])).size, 15)
  await refused(
    scope,
    ['8.8.8.0/28'],
    new RegExp(`refused target 8\\.8\\.8\\.0/28: it is outside scope ${scope.name}`),
  )
  assert.equal((await check(scope, ['127.1'])).size, 1, 'loopback stays allowed')
  await refused(scope, ['8.8.4.4'], /outside scope/)
})

test('special-purpose ranges are refused unless a scope entry names them explicitly', async () => {
  // 198.51.100.0/24 is TEST-NET-2 and is named by the file: allowed
  const scope = await loadScopeFile(await scopeFile(GOOD))
  assert.equal((await check(scope, ['198.51.100.0/24'])).size, 256)
  // a broad entry does not open special ranges inside it
  const broad = await loadScopeFile(
    await scopeFile('owner: o\ncontact: c\nauthorised_by: a\ncidrs: [0.0.0.0/0]\n'),
  )
  assert.equal((await check(broad, ['1.1.1.1'])).size, 1)
  await refused(broad, ['224.0.0.1'], /224\.0\.0\.0\/4 \(RFC 5771 multicast\)/)
  await refused(broad, ['192.0.2.7'], /192\.0\.2\.0\/24 \(RFC 5737 documentation/)
  await refused(broad, ['169.254.1.1'], /link-local/)
  await refused(broad, ['240.0.0.1'], /reserved/)
  await refused(broad, ['255.255.255.255'], /broadcast/)
  await refused(broad, ['10.0.0.0/8'], /RFC 1918/)
  // overlapping entries: the narrower, explicit one opens its part of 10/8 only
  const lan = await loadScopeFile(
    await scopeFile(
      'owner: o\ncontact: c\nauthorised_by: a\ncidrs: [0.0.0.0/0, 10.1.0.0/16]\nexclude: [10.1.255.0/24]\n',
    ),
  )
  assert.equal((await check(lan, ['10.1.0.0/17'])).size, 32768)
  await refused(lan, ['10.1.255.9'], /10\.1\.255\.9/)
  await refused(lan, ['10.2.0.1'], /10\.0\.0\.0\/8/)
})

test('scope file schema errors name the file and the field', async () => {
  const cases: [string, RegExp][] = [
    ['owner: o\ncontact: c\ncidrs: [127.0.0.0/8]\n', /authorised_by/],
    ['owner: o\ncontact: c\nauthorised_by: a\ncidrs: []\n', /cidrs/],
    ['owner: o\ncontact: c\nauthorised_by: a\ncidrs: [10.0.0.0/33]\n', /cidrs\.0: not an IPv4 address/],
    [
      'owner: o\ncontact: c\nauthorised_by: a\ncidrs: [1.2.3.4]\ncredentail_audit: true\n',
      /credentail_audit/,
    ],
    [
      'owner: o\ncontact: c\nauthorised_by: a\ncidrs: [1.2.3.4]\ncredential_audit: "yes"\n',
      /credential_audit/,
    ],
    ['owner: [unclosed\n', /not valid YAML/],
    ['just a string\n', /invalid/],
  ]
  for (const [yaml, pattern] of cases) {
    const path = await scopeFile(yaml)
    await assert.rejects(loadScopeFile(path), (err) => {
      assert.ok(isMamoriError(err))
      assert.equal(err.code, 'ERR_SCOPE_FILE')
      assert.ok(err.message.includes(path), err.message)
      assert.match(err.message, pattern)
      return true
    })
  }
  await assert.rejects(loadScopeFile(join(dir, 'missing.yaml')), /cannot read scope file/)
})

test('bad targets and exclusion files are usage errors, not scans', async () => {
  for (const t of ['300.1.1.1', '127.16.0.0/40', 'not a host!', '1.2.3.4.5']) {
    await assert.rejects(
      resolveTargets([t]),
      (err) => isMamoriError(err) && err.code === 'ERR_TARGET_SYNTAX',
      t,
    )
  }
  const list = join(dir, 'targets.txt')
  await writeFile(list, '# lab\n127.16.0.1\n\n127.16.0.8/30  # four\n')
  const resolved = await resolveTargets([`@${list}`])
  assert.deepEqual(
    resolved.map((r) => r.addresses.size),
    [1, 4],
  )
  await writeFile(list, '127.16.0.1\nnonsense here\n')
  await assert.rejects(resolveExcludes([list]), /bad exclusion "nonsense here"/)
  await assert.rejects(resolveTargets([`@${join(dir, 'nope.txt')}`]), /cannot read target file/)
  assert.equal(
    (await resolveExcludes(['127.16.0.0/24', '127.1'])).contains(parseIPv4('127.0.0.1') as number),
    true,
  )
})

test('the audit log gets one JSON line per scan, appended', async () => {
  const log = join(dir, 'sub', 'audit.jsonl')
  const entry = {
    time: new Date().toISOString(),
    user: 'tester',
    scan_id: 'a',
    scope: 'loopback',
    scope_file_hash: null,
    targets: ['127.16.0.0/24'],
    scanned: { addresses: 256, ranges: ['127.16.0.0/24'], hostnames: {} },
    ports: 'iot',
    options: { rate: 5 },
  }
  await appendAuditEntry(log, entry)
  await appendAuditEntry(log, { ...entry, scan_id: 'b' })
  const lines = (await readFile(log, 'utf8'))
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l))
  assert.deepEqual(
    lines.map((l) => l.scan_id),
    ['a', 'b'],
  )
  assert.deepEqual(lines[0], entry)
})

test('hostnames are resolved once and every address they stand for is checked', async () => {
  // this test's DNS server: 127.19.105.53 (block 127.19.105.0/24)
  const dns = await startTinyDnsServer('127.19.105.53', {
    'cam.lab.test': ['127.19.105.9'],
    'split.lab.test': ['127.19.105.10', '8.8.4.4'],
    'outside.lab.test': ['192.0.2.10'],
    'v6only.lab.test': [],
  })
  try {
    const opts = { dnsServers: [dns.address] }
    const [cam] = await resolveTargets(['cam.lab.test'], opts)
    assert.equal(cam?.addresses.toString(), '127.19.105.9')
    const check2 = async (name: string) =>
      enforceScope(loopbackScope, await resolveTargets([name], opts), IPv4RangeSet.empty)
    await assert.rejects(
      check2('split.lab.test'),
      /refused target split\.lab\.test: it is outside scope loopback/,
    )
    await assert.rejects(
      check2('outside.lab.test'),
      /refused target outside\.lab\.test: it is in 192\.0\.2\.0\/24/,
    )
    await assert.rejects(resolveTargets(['v6only.lab.test'], opts), /cannot resolve target v6only\.lab\.test/)
    await assert.rejects(
      resolveTargets(['nowhere.lab.test'], opts),
      /cannot resolve target nowhere\.lab\.test/,
    )
    await assert.rejects(resolveTargets(['cam.lab.test'], { dnsServers: ['not an ip'] }), /bad DNS server/)
  } finally {
    await dns.stop()
  }
})

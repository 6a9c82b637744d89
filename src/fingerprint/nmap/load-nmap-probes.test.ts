import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import { test } from 'node:test'
import { applyRule } from '../apply-rule.js'
import { DEFAULT_NMAP_PROBES, loadNmapProbes, loadNmapProbesFile, unescapeProbe } from './load-nmap-probes.js'
import { expandTemplate, parseVersionInfo } from './version-template.js'

const SAMPLE = `# a comment
Exclude T:9100-9107
Probe TCP NULL q||
totalwaitms 6000
tcpwrappedms 3000
match ssh m|^SSH-([\\d.]+)-OpenSSH_([\\w._-]+)[ -]{1,2}Debian[ -_]([^\\r\\n]+)\\r?\\n| p/OpenSSH/ v/$2 Debian $3/ i/protocol $1/ o/Linux/ cpe:/a:openbsd:openssh:$2/ cpe:/o:linux:linux_kernel/a
softmatch ftp m|^220[- ]|
Probe TCP GetRequest q|GET / HTTP/1.0\\r\\n\\r\\n|
rarity 1
ports 1,70,79,80-85,88
sslports 443
fallback NULL
match http m|^HTTP/1\\.[01] \\d\\d\\d .*\\r\\nServer: lighttpd/([\\w._-]+)\\r\\n|s p/lighttpd/ v/$1/ cpe:/a:lighttpd:lighttpd:$1/
match x m|^(\\w+)_(\\d+)| p/$SUBST(1,"_",".")/ v/$P(2)/
`

test('a probe file: probes with their directives, matches as rules with templates', () => {
  const load = loadNmapProbes(SAMPLE, 'sample')
  assert.deepEqual(load.problems, [])
  assert.equal(load.probes.length, 2)
  const get = load.probes[1]
  assert.equal(get?.payload, 'GET / HTTP/1.0\r\n\r\n')
  assert.equal(get?.rarity, 1)
  assert.deepEqual(get?.ports, [
    [1, 1],
    [70, 70],
    [79, 79],
    [80, 85],
    [88, 88],
  ])
  assert.deepEqual(get?.fallback, ['NULL'])
  assert.equal(load.probes[0]?.totalwaitms, 6000)
  assert.deepEqual(load.excludeTcp, [[9100, 9107]])
  assert.deepEqual(loadNmapProbes('Exclude 53,T:9100-9107,U:30000-40000\n', 'x').excludeTcp, [
    [53, 53],
    [9100, 9107],
  ])
  const ssh = load.rules[0]
  assert.ok(ssh)
  const fields = applyRule(ssh, 'SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n')
  assert.deepEqual(fields, {
    'service.protocol': 'ssh',
    'service.product': 'OpenSSH',
    'service.version': '9.2p1 Debian 2+deb12u3',
    'service.info': 'protocol 2.0',
    'os.product': 'Linux',
    'service.cpe23': 'cpe:/a:openbsd:openssh:9.2p1',
    'os.cpe23': 'cpe:/o:linux:linux_kernel',
  })
  assert.equal(applyRule(load.rules[1] as never, '220 hi')?.['nmap.softmatch'], 'true')
  const http = load.rules[2]
  assert.equal(
    http &&
      applyRule(http, 'HTTP/1.1 200 OK\r\nDate: x\r\nServer: lighttpd/1.4.69\r\n\r\n')?.['service.version'],
    '1.4.69',
  )
})

test('version templates: $N, $P(), $SUBST(), $I()', () => {
  const groups = ['', 'a_b_c', 'x\x01y', '\x01\x02']
  const g = (n: number) => groups[n]
  assert.equal(expandTemplate('$SUBST(1,"_",".")', g), 'a.b.c')
  assert.equal(expandTemplate('v$P(2)', g), 'vxy')
  assert.equal(expandTemplate('$I(3,">")', g), '258')
  assert.equal(expandTemplate('$I(3,"<")', g), '513')
  assert.equal(expandTemplate('$1-$9', g), 'a_b_c-')
  assert.deepEqual(parseVersionInfo(' p|a/b| v/1/ cpe:/h:x:y/a d/router/'), {
    p: 'a/b',
    v: '1',
    d: 'router',
    cpe: ['h:x:y'],
  })
  assert.throws(() => parseVersionInfo(' q/x/'), /unknown field/)
  assert.throws(() => parseVersionInfo(' p/unclosed'), /not closed/)
})

test('probe strings: C escapes, and unknown letter escapes are errors', () => {
  assert.equal(unescapeProbe('\\x41\\0\\r\\n\\\\\\|'), 'A\0\r\n\\|')
  assert.throws(() => unescapeProbe('\\q'), /bad escape/)
})

test('malformed probe files: every problem has a line, good lines still load', () => {
  const bad = [
    'match orphan m|x|', // 1: before any Probe
    'Probe TCP NULL q||', // 2
    'Frobnicate 7', // 3: unknown directive
    'match a m|unterminated', // 4
    'match b m|(x| p/b/', // 5: bad regex
    'match c m|x|q p/c/', // 6: bad flags
    'match d m|x| z/d/', // 7: bad version field
    'rarity lots', // 8
    'ports 80-70', // 9
    'Probe TCP X q|\\q|', // 10
    'match e m|^(\\w+\\s?)*$| p/e/', // 11: catastrophic backtracking
    'match ok m|^ok| p/ok/', // 12
    '   not a directive', // 13
  ].join('\n')
  const load = loadNmapProbes(bad, 'bad.txt')
  assert.deepEqual(
    load.problems.map((p) => p.line),
    [1, 3, 4, 5, 6, 7, 8, 9, 10, 11, 13],
  )
  for (const p of load.problems) assert.equal(p.file, 'bad.txt')
  assert.match(load.problems[1]?.message ?? '', /unknown directive Frobnicate/)
  assert.match(load.problems[9]?.message ?? '', /catastrophic/)
  assert.deepEqual(
    load.rules.map((r) => r.description),
    ['match ok p/ok/'],
  )
  assert.match(loadNmapProbesFile('/nonexistent/probes').problems[0]?.message ?? '', /cannot read/)
})

test("the installed nmap's probe file loads with few rejected patterns", {
  skip: !existsSync(DEFAULT_NMAP_PROBES),
}, () => {
  const load = loadNmapProbesFile()
  assert.ok(load.probes.length > 100)
  assert.ok(load.rules.length > 11_000)
  const rejected = load.problems.filter((p) => p.rule)
  console.log(
    `nmap-service-probes: ${load.rules.length}/${load.matchLines} match lines loaded, ${rejected.length} rejected`,
  )
  for (const p of rejected) console.log(`  line ${p.line}: ${p.message}`)
  assert.equal(load.problems.length, rejected.length)
  assert.ok(rejected.length < 30)
})

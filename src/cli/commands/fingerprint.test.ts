import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { extname, join } from 'node:path'
import { after, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { sharedData } from '../../testing/shared-data.js'

const main = fileURLToPath(new URL(`../main${extname(fileURLToPath(import.meta.url))}`, import.meta.url))
const dir = mkdtempSync(join(tmpdir(), 'mamori-fp-cli-'))
after(() => rmSync(dir, { recursive: true, force: true }))

// nmap's file is loaded only where a test asks for it: these tests are about the command
function mamori(args: string[]) {
  const r = spawnSync(process.execPath, [...process.execArgv, main, ...args], {
    encoding: 'utf8',
    env: { ...process.env, MAMORI_NMAP_PROBES: 'off', MAMORI_RECOG: '' },
    timeout: 60_000,
  })
  return { code: r.status, out: r.stdout, err: r.stderr }
}

test('fingerprint test runs every example and reports the pass rate', () => {
  const r = mamori(['fingerprint', 'test', '--recog', sharedData('recog')])
  assert.equal(r.code, 0, r.err)
  assert.match(r.out, /^mamori rules: \d+ rules, (\d+)\/\1 examples pass, 0 problems$/m)
  assert.match(r.out, /^recog: \d+\/3673 fingerprints loaded, (\d+)\/\1 examples pass, 2 rejected$/m)
})

test('fingerprint explain shows the matching rules of each record, the winner marked', () => {
  const file = join(dir, 'records.jsonl')
  const record = {
    ip: '127.40.2.1',
    port: 22,
    transport: 'tcp',
    protocol: 'ssh',
    timestamp: '2026-01-01T00:00:00.000Z',
    scan_id: 's',
    status: 'success',
    banner: 'SSH-2.0-dropbear_2014.63',
    data: { ssh: { line: 'SSH-2.0-dropbear_2014.63' } },
  }
  writeFileSync(file, `${JSON.stringify(record)}\n`)
  const text = mamori(['fingerprint', 'explain', file])
  assert.equal(text.code, 0, text.err)
  assert.match(text.out, /observed ssh.banner = "SSH-2.0-dropbear_2014.63"/)
  assert.match(text.out, /\* mamori dropbear-ssh \(ssh-banner.yaml:\d+\)/)
  assert.match(text.out, /service.version=2014.63/)
  const json = mamori(['fingerprint', 'explain', '--json', file])
  const lines = json.out
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l))
  assert.equal(lines[0].winner, true)
  assert.equal(lines[0].matched, 'SSH-2.0-dropbear_2014.63')
})

test('bad input: a non-record line, a missing file and a non-loopback probe are refused with exit 2 or 1', () => {
  const bad = join(dir, 'bad.jsonl')
  writeFileSync(bad, '{"ip": "x"}\nnot json\n')
  const r = mamori(['fingerprint', 'explain', bad])
  assert.equal(r.code, 2)
  assert.match(r.err, /bad.jsonl:1: a scan record needs protocol, port and data/)
  assert.equal(mamori(['fingerprint', 'explain', join(dir, 'missing.jsonl')]).code, 1)
  // read as a bounded stream: an endless file is refused at its first over-long line
  const endless = mamori(['fingerprint', 'explain', '/dev/zero'])
  assert.equal(endless.code, 2)
  assert.equal(endless.err, 'mamori: /dev/zero:1: line longer than 1 MiB\n')
  const probe = mamori(['fingerprint', 'probe', '192.0.2.1:80'])
  assert.equal(probe.code, 2)
  assert.match(probe.err, /loopback/)
})

test('fingerprint match: a known banner exits 0 with the fingerprint, an unknown one exits 1', () => {
  const r = mamori(['fingerprint', 'match', 'ftp.banner', '220 (vsFTPd 3.0.3)'])
  assert.equal(r.code, 0, r.err)
  const fp = JSON.parse(r.out)
  assert.equal(fp.product, 'vsftpd')
  assert.equal(fp.version, '3.0.3')
  assert.deepEqual(fp.cpe, ['cpe:2.3:a:vsftpd_project:vsftpd:3.0.3:*:*:*:*:*:*:*'])
  assert.equal(mamori(['fingerprint', 'match', 'ftp.banner', '220 hello']).code, 1)
})

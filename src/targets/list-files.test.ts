import assert from 'node:assert/strict'
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { runCli } from '../testing/cli-child.js'

const dir = mkdtempSync(join(tmpdir(), 'mamori-list-files-'))
after(() => rmSync(dir, { recursive: true, force: true }))
const auditLog = join(dir, 'audit.jsonl')

/** `mamori scan` that must be refused at once: killed after 20 s (it used to read /dev/zero for ever). */
const refused = (args: string[]) =>
  runCli(['scan', '-p', '23', ...args], { env: { MAMORI_AUDIT_LOG: auditLog }, timeoutMs: 20_000 })

describe('list files are read as bounded streams', () => {
  it('`scan @/dev/zero`, `--exclude /dev/zero`, `--scope /dev/zero`: exit 2 at once, nothing sent', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['@/dev/zero'], /^mamori: \/dev\/zero:1: target line longer than 1024 bytes\n$/],
      [
        ['127.33.0.1', '--exclude', '/dev/zero'],
        /^mamori: \/dev\/zero:1: exclude line longer than 1024 bytes\n$/,
      ],
      [
        ['127.33.0.1', '--scope', '/dev/zero'],
        /^mamori: cannot read scope file \/dev\/zero: larger than 1048576 bytes\n$/,
      ],
    ]
    for (const [args, message] of cases) {
      const r = await refused(args)
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`)
      assert.match(r.stderr, message)
    }
    assert.equal(existsSync(auditLog), false, 'a refused scan writes no audit entry')
  })

  it('a list over 16 MiB is refused, however short its lines', async () => {
    const big = join(dir, 'big.txt')
    writeFileSync(big, '127.33.0.1\n'.repeat(1_600_000))
    const r = await refused([`@${big}`])
    assert.equal(r.code, 2)
    assert.equal(r.stderr, `mamori: cannot read target file ${big}: larger than 16777216 bytes\n`)
  })

  it('a long line is named by its line number', async () => {
    const list = join(dir, 'long.txt')
    writeFileSync(list, `# our cameras\n127.33.0.1\n${'a'.repeat(2000)}.example\n`)
    const r = await refused([`@${list}`])
    assert.equal(r.code, 2)
    assert.equal(r.stderr, `mamori: ${list}:3: target line longer than 1024 bytes\n`)
  })
})

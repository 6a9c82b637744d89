import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { extname, join } from 'node:path'
import { describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { miraiScannerSession } from '../../honeypot/testing/mirai-dialogue.js'
import { runScript } from '../../honeypot/testing/scripted-client.js'
import { listInfectedSources } from '../../store/sensors/infected-sources.js'
import { openSensorStore } from '../../store/sensors/sql-sensor-store.js'
import { runCli } from '../../testing/cli-child.js'

// `mamori honeypot` end to end through the real CLI entry point, on 127.90.3.0/24.
const main = fileURLToPath(new URL(`../main${extname(fileURLToPath(import.meta.url))}`, import.meta.url))
const dir = mkdtempSync(join(tmpdir(), 'mamori-cli-honeypot-'))

describe('mamori honeypot', () => {
  it('logs Cowrie events as JSON lines and into the store, escaped, and stops cleanly on SIGTERM', async () => {
    const db = join(dir, 'hp.db')
    const out = join(dir, 'events.jsonl')
    const child = spawn(
      process.execPath,
      [
        ...process.execArgv,
        main,
        'honeypot',
        '--listen',
        '127.90.3.1:0',
        '--db',
        db,
        '--out',
        out,
        '--sensor',
        'hp-test',
        '--json',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    )
    const killer = setTimeout(() => child.kill('SIGKILL'), 30_000)
    let stdout = ''
    let stderr = ''
    child.stderr.on('data', (d) => {
      stderr += d
    })
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d) => {
        stdout += d
        if (stdout.includes('\n')) resolve()
      })
      child.once('exit', () => reject(new Error(`exited before ready: ${stderr}`)))
    })
    const ready = JSON.parse(stdout.split('\n')[0] as string)
    const [host, port] = (ready.listen[0] as string).split(':') as [string, string]
    assert.equal(host, '127.90.3.1')

    for (const password of ['xc3511', 'vizxv'])
      assert.equal(
        await miraiScannerSession(host, Number(port), { username: 'root', password }, '127.90.3.10'),
        'found',
      )
    // a hostile user name: terminal escapes, a quote, a backslash, a NUL-free binary byte
    await runScript(
      host,
      Number(port),
      [
        { expect: 'login: ', send: '\x1b[2J\x1b]0;owned\x07"\\\xfe\r\n' },
        { expect: 'Password: ', send: 'x\r\n' },
        { expect: 'incorrect', send: '' },
      ],
      { localAddress: '127.90.3.11' },
    )

    child.kill('SIGTERM')
    const code = await exited
    clearTimeout(killer)
    assert.equal(code, 0, stderr)
    const final = JSON.parse(stdout.trim().split('\n').pop() as string)
    assert.equal(final.event, 'stopped')
    assert.equal(final.sessions, 3)
    assert.equal(final.families.mirai, 2)

    const text = readFileSync(out, 'utf8')
    const controls = [...text].filter((c) => c !== '\n' && ((c.codePointAt(0) ?? 0) < 0x20 || c === '\x7f'))
    assert.deepEqual(controls, [], 'no raw control byte in the event log')
    const events = text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
    const ids = new Set(events.map((e) => e.eventid))
    for (const id of [
      'cowrie.session.connect',
      'cowrie.client.size',
      'cowrie.login.success',
      'cowrie.login.failed',
      'cowrie.command.input',
      'cowrie.session.closed',
    ])
      assert.ok(ids.has(id), id)
    const failed = events.find((e) => e.eventid === 'cowrie.login.failed')
    assert.equal(failed.username, '\\x1b[2J\\x1b]0;owned\\x07"\\\\x{fffd}'.replace('\\x{fffd}', '\ufffd'))
    assert.ok(events.every((e) => e.sensor === 'hp-test' && typeof e.session === 'string' && e.timestamp))

    const store = await openSensorStore(db)
    try {
      const infected = await listInfectedSources(store)
      assert.deepEqual(
        infected.map((s) => [s.ip, s.family, s.variant, s.sensor.kind]),
        [['127.90.3.10', 'mirai', 'MIRAI', 'honeypot']],
      )
      assert.equal(infected[0]?.evidence.sessions, 2)
      const stored = (await store.sources()).find((s) => s.ip === '127.90.3.11')
      assert.equal(stored?.family, 'unknown')
    } finally {
      await store.close()
    }
    const listed = await runCli(['honeypot', 'sources', '--db', db])
    assert.equal(listed.code, 0, listed.stderr)
    assert.match(listed.stdout, /127\.90\.3\.10\tmirai \(MIRAI\)\t/)
  })

  it('refuses a bad --listen and a missing one with exit 2', async () => {
    for (const args of [
      ['honeypot'],
      ['honeypot', '--listen', '127.90.3.1'],
      ['honeypot', '--listen', '127.90.3.1:99999'],
    ]) {
      const r = await runCli(args)
      assert.equal(r.code, 2, args.join(' '))
      assert.match(r.stderr, /--listen/)
    }
  })
})

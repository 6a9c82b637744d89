import assert from 'node:assert/strict'
import { mkdtemp, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import { runCli } from '../../../src/testing/cli-child.js'
import { HOSTILE, RAW_CONTROL } from '../../../src/testing/hostile-text.js'
import { tcpPeer } from '../../../src/testing/protocol-peer.js'

// 127.19.107.0/29 is this file's block: devices whose every string tries to act on a terminal
const dir = await mkdtemp(join(tmpdir(), 'mamori-hostile-output-'))
const db = join(dir, 'store.db')
const out = join(dir, 'records.jsonl')
const auditLog = join(dir, 'audit.jsonl')
const peers: Awaited<ReturnType<typeof tcpPeer>>[] = []
const mamori = (args: string[]) => runCli(args, { cwd: dir, env: { MAMORI_AUDIT_LOG: auditLog } })

before(async () => {
  const hostile = Buffer.from(HOSTILE, 'utf8')
  peers.push(
    await tcpPeer('127.19.107.1', ({ socket }) =>
      socket.write(Buffer.concat([Buffer.from('\r\n'), hostile, Buffer.from('\r\nlogin: ')])),
    ),
    // the identification line and the KEXINIT name-lists are the device's too
    await tcpPeer('127.19.107.2', ({ socket }) =>
      socket.write(`SSH-2.0-OpenSSH_7.4 ${HOSTILE.replace(/\n/g, '')}\r\n`),
    ),
    await tcpPeer('127.19.107.3', async ({ socket, receive }) => {
      await receive((b) => b.includes('\r\n\r\n'))
      const body = `<html><title>${HOSTILE}</title></html>`
      socket.end(
        `HTTP/1.0 200 OK\r\nServer: ${HOSTILE.replace(/[\r\n]/g, '')}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
      )
    }),
  )
})
after(async () => {
  for (const p of peers) await p.close()
})

/** Each peer's port (tcpPeer listens on a free one). */
const ports = () => peers.map((p) => p.target.port).join(',')

function clean(what: string, output: string): void {
  assert.ok(output.length > 0, `${what}: printed something`)
  // CSV rows end in CRLF (RFC 4180): the only carriage return an output may have
  const text = output.replace(/\r\n/g, '\n')
  const raw = RAW_CONTROL.exec(text)
  assert.equal(
    raw,
    null,
    `${what}: raw U+${raw?.[0].codePointAt(0)?.toString(16).padStart(4, '0')} in ${JSON.stringify(text.slice(0, 200))}`,
  )
}

test('every output format shows what hostile devices sent as text, never as terminal controls', {
  timeout: 120_000,
}, async () => {
  const scan = await mamori([
    'scan',
    '127.19.107.1-127.19.107.3',
    '-p',
    ports(),
    '--json',
    '--out',
    out,
    '--db',
    db,
    '--audit-log',
    auditLog,
  ])
  assert.equal(scan.code, 0, scan.stderr)
  clean('scan --json', scan.stdout)
  clean('scan summary', scan.stderr)
  clean('--out', await readFile(out, 'utf8'))
  clean('the audit log', await readFile(auditLog, 'utf8'))
  const second = await mamori([
    'scan',
    '127.19.107.1-127.19.107.3',
    '-p',
    ports(),
    '--db',
    db,
    '--audit-log',
    auditLog,
  ])
  assert.equal(second.code, 0, second.stderr)
  clean('scan table', second.stdout)
  for (const args of [
    ['search', '--db', db, ''],
    ['search', '--db', db, '', '--csv'],
    ['search', '--db', db, '', '--json'],
    ['search', '--db', db, '', '--facets', 'product,http.title'],
    ['stats', '--db', db, '--facets', 'product'],
    ['host', '127.19.107.3', '--db', db],
    ['host', '127.19.107.2', '--db', db, '--json'],
    ['scans', '--db', db],
  ]) {
    const r = await mamori(args)
    assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`)
    clean(args.join(' '), r.stdout)
  }
  // what the device sent is there, as text: ESC and C1 as \xNN, the bidi override as a JSON escape
  const json = await mamori(['search', '--db', db, `port:${ports().split(',')[2]}`, '--json'])
  assert.match(json.stdout, /"title":"\\\\x1b\]0;owned\\\\x07 /)
  assert.match(json.stdout, /\\\\x9b31m/)
  assert.match(json.stdout, /admin\\u202egnp\.exe/)
})

test('error messages quote a hostile file as text', async () => {
  const file = join(dir, 'hostile.jsonl')
  await writeFile(file, `${JSON.stringify({ ip: `\x1b]0;owned\x07`, port: 23 })}\n{"banner": "\x1b[2J\x9b31m`)
  const r = await mamori(['import', file, '--db', join(dir, 'import.db')])
  assert.equal(r.code, 2)
  clean('import errors', r.stderr)
  const scope = join(dir, 'scope.yaml')
  await writeFile(scope, `owner: "\x1b[2Jevil"\ncidrs: [\x9b31m]\n`)
  const refused = await mamori(['scan', '127.19.107.1', '--scope', scope])
  assert.equal(refused.code, 2)
  clean('scope errors', refused.stderr)
})

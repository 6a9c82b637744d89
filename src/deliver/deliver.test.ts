import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import http from 'node:http'
import type net from 'node:net'
import { tmpdir } from 'node:os'
import { extname, join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { simpleParser } from 'mailparser'
import { SMTPServer } from 'smtp-server'
import { openStore } from '../store/open-store.js'
import type { Store } from '../store/store.js'
import { deliverDue } from './deliver-due.js'
import { emailChannel } from './email-channel.js'
import { signWebhook, webhookChannel } from './webhook-channel.js'

// 127.30.9.0/24 is this file's block
const dir = mkdtempSync(join(tmpdir(), 'mamori-deliver-'))
const SECRET = 'endpoint-secret'
const fast = { backoffMs: () => 0, leaseMs: 50 }

/** A webhook receiver that checks every signature and answers by path. */
function receiver() {
  const got: { path: string; id: string; body: unknown; valid: boolean }[] = []
  let flaky = 0
  const server = http.createServer((req, res) => {
    let body = ''
    req.on('data', (c) => {
      body += c
    })
    req.on('end', () => {
      const ts = Number(req.headers['x-mamori-timestamp'])
      const valid =
        req.headers['x-mamori-signature'] === signWebhook(SECRET, ts, body) &&
        Math.abs(Date.now() / 1000 - ts) < 300
      got.push({
        path: req.url ?? '',
        id: String(req.headers['x-mamori-event-id']),
        body: JSON.parse(body),
        valid,
      })
      if (req.url === '/flaky' && flaky++ < 2) return res.writeHead(503).end()
      if (req.url === '/bad') return res.writeHead(400).end()
      if (req.url === '/drop') return req.socket.destroy()
      if (req.url === '/slow') return
      res.writeHead(204).end()
    })
  })
  return { server, got }
}

describe('delivery from the outbox to real receivers', () => {
  let store: Store
  const hook = receiver()
  let base = ''
  before(async () => {
    store = await openStore(join(dir, 'deliver.db'))
    await new Promise<void>((r) => hook.server.listen(0, '127.30.9.1', r))
    base = `http://127.30.9.1:${(hook.server.address() as net.AddressInfo).port}`
  })
  after(async () => {
    await store.close()
    hook.server.closeAllConnections()
    await new Promise((r) => hook.server.close(r))
    rmSync(dir, { recursive: true, force: true })
  })

  const enqueue = async (path: string, id: string) => {
    const { driver } = (
      store as unknown as { findings: { d: { driver: import('../store/sql-driver.js').SqlDriver } } }
    ).findings.d
    await driver.transaction((tx) =>
      store.outbox.enqueue(tx, [
        { id, topic: 'monitor:t', channel: 'webhook', destination: `${base}${path}`, payload: { id } },
      ]),
    )
  }

  it('webhooks: signed, retried on 5xx/drops/timeouts with the same event id, refused on 4xx, sent once', async () => {
    for (const p of ['/ok', '/flaky', '/bad', '/drop', '/slow']) await enqueue(p, `ev${p.slice(1)}`)
    const channel = webhookChannel({
      secretFor: (url) => (url.startsWith(base) ? SECRET : undefined),
      timeoutMs: 300,
    })
    const rounds = []
    for (let i = 0; i < 4; i++)
      rounds.push(await deliverDue(store.outbox, [channel], { ...fast, maxAttempts: 3 }))
    assert.deepEqual(rounds[0], { sent: 1, retried: 3, refused: 1, failed: 0 })
    const items = Object.fromEntries((await store.outbox.list({ limit: 10 })).map((i) => [i.id, i]))
    assert.equal(items.evok?.state, 'sent')
    assert.equal(items.evflaky?.state, 'sent')
    assert.equal(items.evflaky?.attempts, 3)
    assert.equal(items.evbad?.state, 'bounced')
    assert.equal(items.evbad?.attempts, 1)
    assert.equal(items.evdrop?.state, 'failed')
    assert.equal(items.evslow?.state, 'failed')
    assert.match(items.evslow?.last_error ?? '', /timed out/)
    // every request was signed, and each retry carried the same id
    assert.ok(hook.got.every((g) => g.valid))
    assert.deepEqual(
      hook.got.filter((g) => g.path === '/flaky').map((g) => g.id),
      ['evflaky', 'evflaky', 'evflaky'],
    )
    assert.equal(hook.got.filter((g) => g.path === '/ok').length, 1)
  })

  it('SIGKILL between the commit and the delivery: the alert still arrives, once', {
    timeout: 30_000,
  }, async () => {
    const file = join(dir, 'killed.db')
    const script = fileURLToPath(
      new URL(`./testing/enqueue-then-die${extname(fileURLToPath(import.meta.url))}`, import.meta.url),
    )
    const child = spawn(process.execPath, [script, file, `${base}/ok`], {
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => d.toString().includes('committed') && resolve())
      child.once('exit', (code) => reject(new Error(`child exited with ${code}`)))
    })
    child.kill('SIGKILL')
    await new Promise((r) => child.once('exit', r))
    const restarted = await openStore(file)
    try {
      const channel = webhookChannel({ secretFor: () => SECRET })
      assert.deepEqual(await deliverDue(restarted.outbox, [channel], fast), {
        sent: 1,
        retried: 0,
        refused: 0,
        failed: 0,
      })
      assert.deepEqual(await deliverDue(restarted.outbox, [channel], fast), {
        sent: 0,
        retried: 0,
        refused: 0,
        failed: 0,
      })
      assert.equal(hook.got.filter((g) => g.id === 'alert-after-kill').length, 1)
    } finally {
      await restarted.close()
    }
  })

  it('e-mail through a real SMTP server: 421, a drop after DATA and a stall are retried, 550 bounces, one copy arrives', {
    timeout: 30_000,
  }, async () => {
    const mails: { messageId: string; subject: string; text: string; unsubscribe?: string }[] = []
    // the bounce goes first, as try 0; the notice's tries are 1 (421), 2 (drop), 3 (stall), 4
    let tries = -1
    const smtp: SMTPServer = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      onMailFrom(_address, _session, cb) {
        tries++
        if (tries === 1) return cb(Object.assign(new Error('try again later'), { responseCode: 421 }))
        cb()
      },
      onRcptTo(address, _session, cb) {
        if (address.address.startsWith('nobody@'))
          return cb(Object.assign(new Error('no such user'), { responseCode: 550 }))
        cb()
      },
      onData(stream, session, cb) {
        void simpleParser(stream).then((m) => {
          // the second try: the line drops after DATA, before the server accepted the message
          if (tries === 2) return dropConnection(smtp, session.id)
          // the third: the server never answers (the sender's socket times out)
          if (tries === 3) return
          mails.push({
            messageId: m.messageId ?? '',
            subject: m.subject ?? '',
            text: (m.text ?? '').trim(),
            unsubscribe: m.headerLines
              .find((h) => h.key === 'list-unsubscribe')
              ?.line.replace(/^[^:]*:\s*/, ''),
          })
          cb()
        })
      },
    })
    await new Promise<void>((r) => smtp.listen(0, '127.30.9.2', r))
    const port = (smtp.server.address() as net.AddressInfo).port
    const channel = emailChannel(`smtp://127.30.9.2:${port}`, { timeoutMs: 1000 })
    try {
      await store.outbox.add([
        {
          id: 'mail-bounce',
          topic: 'campaign:bounce',
          channel: 'email',
          destination: 'mailto:nobody@isp.example',
          payload: { from: 'notice@example.test', subject: 'x', text: 'y' },
        },
      ])
      assert.deepEqual(await deliverDue(store.outbox, [channel], { ...fast, topic: 'campaign:bounce' }), {
        sent: 0,
        retried: 0,
        refused: 1,
        failed: 0,
      })
      tries = 0
      await store.outbox.add([
        {
          id: 'mail-1',
          topic: 'campaign:c',
          channel: 'email',
          destination: 'mailto:noc@isp.example',
          payload: {
            from: 'mamori <notice@example.test>',
            subject: 'Notice',
            text: 'Your camera …',
            headers: { 'List-Unsubscribe': '<mailto:optout@example.test>' },
          },
        },
      ])
      const rounds = []
      for (let i = 0; i < 5; i++)
        rounds.push(await deliverDue(store.outbox, [channel], { ...fast, topic: 'campaign:c' }))
      assert.deepEqual(
        rounds.map((r) => (r.sent ? 'sent' : r.retried ? 'retried' : '-')),
        ['retried', 'retried', 'retried', 'sent', '-'],
      )
      const items = Object.fromEntries((await store.outbox.list({ limit: 20 })).map((i) => [i.id, i]))
      assert.equal(items['mail-1']?.state, 'sent')
      assert.equal(items['mail-1']?.attempts, 4)
      assert.equal(items['mail-bounce']?.state, 'bounced')
      assert.match(items['mail-bounce']?.last_error ?? '', /SMTP 550/)
      assert.deepEqual(mails, [
        {
          messageId: '<mail-1@mamori.invalid>',
          subject: 'Notice',
          text: 'Your camera …',
          unsubscribe: '<mailto:optout@example.test>',
        },
      ])
    } finally {
      await channel.close?.()
      await new Promise<void>((r) => smtp.close(() => r()))
    }
  })
})

/** Cuts one client's line (smtp-server keeps its connections in `connections`). */
function dropConnection(server: SMTPServer, sessionId: string): void {
  const connections = (server as unknown as { connections: Set<{ id: string; _socket: net.Socket }> })
    .connections
  for (const c of connections) if (c.id === sessionId) c._socket.destroy()
}

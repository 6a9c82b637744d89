import assert from 'node:assert/strict'
import http from 'node:http'
import { after, before, describe, it } from 'node:test'
import { startPeer, type TcpPeer } from '../testing/tcp-peer.js'
import type { HttpServiceSpec, TelnetServiceSpec } from './family.js'
import { httpDevice } from './http-device.js'
import { telnetDevice } from './telnet-device.js'
import { httpService, telnetService } from './testing/family-service.js'
import { sleep, TcpReader } from './testing/tcp-reader.js'

// The --login-quirks families that fool a naive credential check, over real TCP on 127.19.17.0/24.
const ANY_SHORT = '127.19.17.1'
const SLOT_ANY = '127.19.17.2'
const SLOT_REAL = '127.19.17.3'
const DROPPING = '127.19.17.4'
const COLOURED = '127.19.17.5'
const LIMITED_ANY = '127.19.17.6'
const LIMITED_REAL = '127.19.17.7'
const BROKEN = '127.19.17.8'
// the families' busy slot is 3 s; the tests play the same device with a shorter one
const BUSY_MS = 800

const typed = new Map<string, Buffer[]>()
const peers: TcpPeer[] = []
async function telnet(
  ip: string,
  spec: TelnetServiceSpec,
  credential?: { username: string; password: string },
) {
  typed.set(ip, [])
  const onPostLogin = (d: Buffer) => typed.get(ip)?.push(d)
  peers.push(await startPeer(ip, 23, telnetDevice({ spec, credential, onPostLogin })))
}
async function web(ip: string, spec: HttpServiceSpec, credential?: { username: string; password: string }) {
  peers.push(await startPeer(ip, 80, httpDevice({ spec, credential }).handle))
}
const postLogin = (ip: string) => Buffer.concat(typed.get(ip) ?? []).toString('latin1')

async function loginPrompt(ip: string): Promise<TcpReader> {
  const c = await TcpReader.connect(ip, 23)
  await c.waitFor('login: ')
  return c
}

/** Logs in with one burst and returns what came after the login prompt. */
async function tryLogin(ip: string, user: string, password: string, expect: RegExp): Promise<TcpReader> {
  const c = await loginPrompt(ip)
  const mark = c.received.length
  c.write(`${user}\r\n${password}\r\n`)
  await c.until((r) => expect.test(r.text.slice(mark)))
  return c
}

function get(ip: string, user?: string, password?: string): Promise<number> {
  const headers = user === undefined ? {} : { Authorization: `Basic ${btoa(`${user}:${password}`)}` }
  return new Promise((resolve, reject) => {
    const req = http.get({ host: ip, port: 80, path: '/', headers, agent: false }, (res) => {
      res.resume()
      res.on('end', () => resolve(res.statusCode ?? 0))
    })
    req.on('error', reject)
  })
}

describe('hostile logins (--login-quirks)', () => {
  before(async () => {
    await telnet(ANY_SHORT, telnetService('any-short-password-telnet'))
    const slotAny = telnetService('single-slot-any-telnet')
    const slotReal = telnetService('single-slot-camera')
    assert.equal(slotAny.busy_after_login_ms, 3000)
    assert.equal(slotReal.busy_after_login_ms, 3000)
    await telnet(SLOT_ANY, { ...slotAny, busy_after_login_ms: BUSY_MS })
    await telnet(
      SLOT_REAL,
      { ...slotReal, busy_after_login_ms: BUSY_MS },
      { username: 'root', password: '888888' },
    )
    await telnet(DROPPING, telnetService('dropping-telnet'))
    await telnet(COLOURED, telnetService('coloured-prompt-camera'), { username: 'root', password: 'xmhdipc' })
    await telnet(BROKEN, telnetService('broken-login-camera'))
    await web(LIMITED_ANY, httpService('rate-limited-any-http'))
    await web(LIMITED_REAL, httpService('rate-limited-camera'), { username: 'admin', password: 'admin' })
  })
  after(() => Promise.all(peers.map((p) => p.close())))

  it('any user with any password of up to 16 characters gets a shell; a longer one is refused', async () => {
    const ok = await tryLogin(ANY_SHORT, 'mamori', 'a'.repeat(16), /# $/)
    const mark = ok.received.length
    ok.write('reboot\r\n')
    await ok.until(() => postLogin(ANY_SHORT) === 'reboot\r\n')
    await ok.until((r) => r.text.length > mark)
    // nothing ran: the line only gets a new prompt
    assert.equal(ok.received.subarray(mark).toString('latin1'), '\r\n# ')
    ok.destroy()
    const refused = await tryLogin(ANY_SHORT, 'mamori', 'a'.repeat(17), /login: $/)
    assert.ok(
      refused.text.endsWith(`mamori\r\nPassword: \r\n\r\nLogin incorrect\r\ndvr login: `),
      refused.text,
    )
    assert.equal(refused.closed, false)
    refused.destroy()
  })

  it('one session slot: a connection opened while it is busy hangs up after the user name', async () => {
    for (const [ip, password] of [
      [SLOT_ANY, 'anything'],
      [SLOT_REAL, '888888'],
    ] as const) {
      const first = await tryLogin(ip, 'root', password, /# $/)
      const second = await loginPrompt(ip)
      const mark = second.received.length
      second.write('root\r\n')
      await second.until((r) => r.closed)
      // the user name's echo, then the hang-up: no text, no password prompt
      assert.equal(second.received.subarray(mark).toString('latin1'), 'root', ip)
      first.destroy()
      await sleep(BUSY_MS + 50)
      const third = await tryLogin(ip, 'root', password, /# $/)
      third.destroy()
    }
    // the real device still checks its password once the slot is free
    await sleep(BUSY_MS + 50)
    const wrong = await tryLogin(SLOT_REAL, 'root', 'xc3511', /Login incorrect\r\nIPCAM login: $/)
    wrong.destroy()
  })

  it('a line that drops every connection after 1 s: the user name is echoed, no password prompt comes', async () => {
    const opened = Date.now()
    const c = await loginPrompt(DROPPING)
    const mark = c.received.length
    c.write('root\r\n')
    await c.until((r) => r.closed, 3000)
    assert.ok(Date.now() - opened >= 990, `dropped after ${Date.now() - opened} ms`)
    assert.equal(c.received.subarray(mark).toString('latin1'), 'root')
  })

  it('a broken login shows a prompt for any password, then its error, then hangs up', async () => {
    const c = await tryLogin(BROKEN, 'root', 'anything', /# $/)
    await c.until((r) => r.closed, 3000)
    assert.match(c.text, /# \r\nERROR: login failed, account disabled\r\n$/)
  })

  it('a coloured shell prompt ending in an ANSI reset, behind a real factory password', async () => {
    const prompt = '\r\n\x1b[1;32m[root@IPCAM ~]# \x1b[0m'
    const ok = await tryLogin(COLOURED, 'root', 'xmhdipc', /m$/)
    await ok.until((r) => r.text.endsWith(prompt))
    ok.destroy()
    const wrong = await tryLogin(COLOURED, 'root', 'vizxv', /login: $/)
    assert.match(wrong.text, /Login incorrect\r\nIPCAM login: $/)
    wrong.destroy()
  })

  it('HTTP Basic that takes anything, behind a rate limiter: 403 within 1 s of a 200', async () => {
    assert.equal(await get(LIMITED_ANY), 401)
    assert.equal(await get(LIMITED_ANY, 'mamori-0f3c', 'x'), 200)
    assert.equal(await get(LIMITED_ANY, 'admin', 'admin'), 403)
    assert.equal(await get(LIMITED_ANY), 403)
    await sleep(1050)
    assert.equal(await get(LIMITED_ANY, 'root', 'a-long-random-password-9f2c'), 200)
  })

  it('a real rate-limited camera: 401 for wrong pairs, 403 within 1 s of a 200, then 401 again', async () => {
    assert.equal(await get(LIMITED_REAL, 'admin', 'wrong'), 401)
    assert.equal(await get(LIMITED_REAL, 'admin', 'wrong'), 401, 'a 401 does not start the limit')
    assert.equal(await get(LIMITED_REAL, 'admin', 'admin'), 200)
    assert.equal(await get(LIMITED_REAL, 'admin', 'wrong'), 403)
    await sleep(1050)
    assert.equal(await get(LIMITED_REAL, 'admin', 'wrong'), 401)
    assert.equal(await get(LIMITED_REAL, 'admin', 'admin'), 200)
  })
})

import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import http from 'node:http'
import net from 'node:net'
import { after, before, describe, it } from 'node:test'
import ssh2 from 'ssh2'
import { MamoriError } from '../core/errors.js'
import { parseParams } from './digest-auth.js'
import { type RunningLab, startLab } from './lab.js'
import { TcpReader } from './testing/tcp-reader.js'
import type { LabDevice, LabService } from './truth.js'

// The whole lab on 127.19.14.0/24 (and a 300-device lab on 127.19.252.0/22): the truth is true.
const NET = '127.19.14.0/24'
let lab: RunningLab
const each = (pred: (s: LabService) => boolean) =>
  lab.truth.devices.flatMap((d) => d.services.filter(pred).map((s) => ({ device: d, service: s })))

function canBind(ip: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer()
    server.once('error', () => resolve(false))
    server.listen({ host: ip, port, exclusive: true }, () => server.close(() => resolve(true)))
  })
}

function httpGet(ip: string, port: number, path: string, authorization?: string) {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }>(
    (resolve, reject) => {
      const headers = authorization ? { Authorization: authorization } : {}
      const req = http.get({ host: ip, port, path, headers, agent: false }, (res) => {
        let body = ''
        res.on('data', (d) => {
          body += d
        })
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }))
      })
      req.on('error', reject)
    },
  )
}

const md5 = (s: string) => createHash('md5').update(s).digest('hex')
function authorization(challenge: string, path: string, user: string, password: string): string {
  if (challenge.startsWith('Basic')) return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`
  const p = parseParams(challenge.slice(7))
  const ha1 = md5(`${user}:${p.realm}:${password}`)
  const response = md5(`${ha1}:${p.nonce}:00000001:c0ffee:auth:${md5(`GET:${path}`)}`)
  return `Digest username="${user}", realm="${p.realm}", nonce="${p.nonce}", uri="${path}", qop=auth, nc=00000001, cnonce="c0ffee", response="${response}"`
}

/** The family's protected path, where a challenge is expected. */
const protectedPath = (d: LabDevice) =>
  ({
    'hikvision-camera': '/ISAPI/System/deviceInfo',
    'dahua-dvr': '/cgi-bin/magicBox.cgi',
    'axis-camera': '/axis-cgi/param.cgi',
  })[d.family] ?? '/'

/** Shell prompts end in `#`, `$` or `>`, judged with escape sequences (colour, ESC[6n) removed. */
const CSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;?]*[A-Za-z]`, 'g')
const atShellPrompt = (text: string) => /[#$>] ?$/.test(text.replace(CSI, ''))

/**
 * A telnet service does what its truth says: an open shell at connect, the shell right after the
 * user name where no password is asked, otherwise a refused wrong password and the truth's pair
 * accepted. What is typed after the login is recorded, never run.
 */
async function checkTelnet(lab: RunningLab, device: LabDevice, service: LabService): Promise<void> {
  const c = await TcpReader.connect(device.ip, service.port)
  const where = `${device.id} ${device.family}:${service.port}`
  if (service.auth === 'none') {
    await c.until((r) => atShellPrompt(r.text))
    assert.doesNotMatch(c.text, /login|password/i, where)
  } else {
    const cred = service.credential as { username: string; password: string }
    await c.until((r) => /(?:login|username):\s*$/i.test(r.text))
    // where root needs no password, a wrong password can only be tried with another user name
    const user = service.no_password_prompt ? `not-${cred.username}` : cred.username
    c.write(`${user}\r\nnot-${cred.password}\r\n`)
    await c.until((r) => /(?:incorrect|error|invalid|failed)[\s\S]*(?:login|username):\s*$/i.test(r.text))
    const mark = c.received.length
    c.write(service.no_password_prompt ? `${cred.username}\r\n` : `${cred.username}\r\n${cred.password}\r\n`)
    await c.until((r) => atShellPrompt(r.text.slice(mark)))
    if (service.no_password_prompt) assert.doesNotMatch(c.text.slice(mark), /Password/, where)
  }
  c.write('uname -a\r\n')
  await c.until(() => lab.postLoginInput(device.ip, service.port).includes('uname -a\r\n'))
  c.destroy()
}

describe('lab', () => {
  before(async () => {
    lab = await startLab({ net: NET, seed: 11, devices: 60 })
  })
  after(() => lab.stop())

  it('covers most families and opens one listener per truth service', () => {
    assert.ok(new Set(lab.truth.devices.map((d) => d.family)).size >= 14)
    assert.equal(lab.listeners, each(() => true).length)
  })

  it('every telnet service takes its truth credential and rejects a wrong one', async () => {
    const telnet = each((s) => s.protocol === 'telnet')
    assert.ok(telnet.length > 10)
    assert.ok(
      telnet.some(({ service }) => service.auth === 'none'),
      'an open shell',
    )
    await Promise.all(telnet.map(({ device, service }) => checkTelnet(lab, device, service)))
  })

  it('every ssh service identifies as the truth says and takes its truth password', async () => {
    const ssh = each((s) => s.protocol === 'ssh')
    assert.ok(ssh.length > 0)
    for (const { device, service } of ssh) {
      const cred = service.credential as { username: string; password: string }
      const raw = await TcpReader.connect(device.ip, service.port)
      await raw.waitFor('\r\n')
      raw.destroy()
      assert.ok(raw.text.startsWith('SSH-2.0-'))
      if (service.version) assert.ok(raw.text.includes(service.version), raw.text)
      const login = (password: string) =>
        new Promise<boolean>((resolve) => {
          const client = new ssh2.Client()
          client.once('ready', () => {
            client.end()
            resolve(true)
          })
          client.once('error', () => resolve(false))
          client.connect({
            host: device.ip,
            port: service.port,
            username: cred.username,
            password,
            readyTimeout: 5000,
          })
        })
      assert.equal(await login(cred.password), true, `${device.id} ${device.family}`)
      assert.equal(await login(`${cred.password}x`), false)
    }
  })

  it('every http service answers; protected ones challenge, then accept the truth credential', async () => {
    const web = each((s) => s.protocol === 'http')
    assert.ok(web.length > 10)
    for (const { device, service } of web) {
      const path = protectedPath(device)
      const first = await httpGet(device.ip, service.port, path)
      if (service.auth === 'none') {
        assert.equal(first.status, 200, `${device.id} ${device.family}`)
        continue
      }
      assert.equal(first.status, 401, `${device.id} ${device.family}`)
      const challenge = first.headers['www-authenticate'] as string
      assert.match(challenge, service.auth === 'basic' ? /^Basic realm="/ : /^Digest realm="/)
      const cred = service.credential as { username: string; password: string }
      const ok = await httpGet(
        device.ip,
        service.port,
        path,
        authorization(challenge, path, cred.username, cred.password),
      )
      assert.equal(ok.status, 200, `${device.id} ${device.family}`)
    }
  })

  it('refuses to start over a running lab and closes what it had opened', async () => {
    await assert.rejects(
      startLab({ net: NET, seed: 12, devices: 60 }),
      (e: unknown) => e instanceof MamoriError && e.code === 'ERR_LAB' && /EADDRINUSE/.test(e.message),
    )
    const { planLab } = await import('./plan-lab.js')
    const { loadFamilies } = await import('./load-families.js')
    const taken = new Set(each(() => true).map(({ device, service }) => `${device.ip}:${service.port}`))
    const second = planLab({ net: NET, seed: 12, devices: 60 }, loadFamilies()).services
    const free = second.filter((s) => !taken.has(`${s.ip}:${s.spec.port}`))
    assert.ok(free.length > 0)
    for (const s of free) assert.equal(await canBind(s.ip, s.spec.port), true, `${s.ip}:${s.spec.port}`)
  })
})

describe('lab with --login-quirks', () => {
  // 127.19.18.0/24; seed 670 places every --login-quirks family, open shells, and keeps the default
  // of at least one busybox-empty-root, single-slot-camera, rate-limited-camera, coloured-prompt-camera
  let quirks: RunningLab
  before(async () => {
    quirks = await startLab({ net: '127.19.18.0/24', seed: 670, devices: 60, loginQuirks: true })
  })
  after(() => quirks.stop())
  const of = (family: string) =>
    quirks.truth.devices
      .filter((d) => d.family === family)
      .flatMap((d) => d.services.map((s) => ({ device: d, service: s })))

  it('its real defaults, open shells and empty root passwords behave as the truth says', async () => {
    const families = [
      'busybox-open-shell',
      'busybox-empty-root',
      'single-slot-camera',
      'coloured-prompt-camera',
    ]
    const telnet = families.flatMap(of)
    assert.ok(telnet.some(({ service }) => service.no_password_prompt))
    for (const f of [...families, 'rate-limited-camera'])
      assert.ok(f === 'busybox-open-shell' || of(f).some(({ service }) => service.credential?.default), f)
    await Promise.all(telnet.map(({ device, service }) => checkTelnet(quirks, device, service)))
    for (const { device, service } of of('rate-limited-camera')) {
      const cred = service.credential as { username: string; password: string }
      assert.equal((await httpGet(device.ip, service.port, '/')).status, 401)
      const basic = `Basic ${btoa(`${cred.username}:${cred.password}`)}`
      assert.equal((await httpGet(device.ip, service.port, '/', basic)).status, 200)
    }
  })

  it('where the truth says accepts_any, a pair nobody set logs in; where it says drops, nothing does', async () => {
    const anyTelnet = [...of('any-short-password-telnet'), ...of('single-slot-any-telnet')]
    assert.ok(anyTelnet.length >= 2)
    for (const { device, service } of anyTelnet) {
      assert.equal(service.accepts_any, true)
      assert.equal(service.credential, undefined)
      const c = await TcpReader.connect(device.ip, service.port)
      await c.waitFor('login: ')
      c.write('mamori\r\nq7-never-set\r\n')
      await c.until((r) => atShellPrompt(r.text))
      c.destroy()
    }
    for (const { device, service } of of('rate-limited-any-http')) {
      assert.equal(service.accepts_any, true)
      const basic = `Basic ${btoa('mamori:q7-never-set')}`
      assert.equal((await httpGet(device.ip, service.port, '/', basic)).status, 200)
    }
    const dropping = of('dropping-telnet')
    assert.ok(dropping.length > 0)
    for (const { device, service } of dropping) {
      assert.equal(service.drops, true)
      const c = await TcpReader.connect(device.ip, service.port)
      await c.waitFor('login: ')
      c.write('root\r\n')
      await c.until((r) => r.closed, 3000)
      assert.doesNotMatch(c.text, /Password/)
    }
  })
})

describe('lab lifecycle', () => {
  it('starts ~300 devices fast, and stop() ends connections and frees every port', async () => {
    const started = Date.now()
    const big = await startLab({ net: '127.19.252.0/22', seed: 3, devices: 300, hostile: true })
    const elapsed = Date.now() - started
    assert.ok(elapsed < 3000, `start took ${elapsed} ms`)
    const services = big.truth.devices.flatMap((d) => d.services.map((s) => ({ ip: d.ip, port: s.port })))
    const tcp = big.truth.devices.flatMap((d) =>
      d.services.filter((s) => s.transport === 'tcp').map((s) => ({ ip: d.ip, port: s.port })),
    )
    assert.equal(big.listeners, services.length)
    const open = await Promise.all(tcp.slice(0, 50).map((s) => TcpReader.connect(s.ip, s.port)))
    await big.stop()
    await Promise.all(open.map((c) => c.until((r) => r.closed)))
    for (const s of services) assert.equal(await canBind(s.ip, s.port), true, `${s.ip}:${s.port} still bound`)
    await big.stop() // a second stop is harmless
  })
})

import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import http from 'node:http'
import net from 'node:net'
import { after, before, describe, it } from 'node:test'
import { DigestAuth, parseParams } from './digest-auth.js'
import type { HttpServiceSpec } from './family.js'
import { httpDevice } from './http-device.js'
import { TcpReader } from './testing/tcp-reader.js'

// Web interfaces with Basic and Digest realms over real TCP on 127.19.13.0/24.
const BASIC_IP = '127.19.13.1'
const DIGEST_IP = '127.19.13.2'
const credential = { username: 'admin', password: 'admin' }
const basicSpec: HttpServiceSpec = {
  protocol: 'http',
  port: 80,
  server: 'Router Webserver',
  headers: {},
  title: 'TL-WR841N',
  auth: 'basic',
  realm: 'TP-LINK Wireless N Router WR841N',
  protected: ['/'],
  defaults: [credential],
}
const digestSpec: HttpServiceSpec = {
  ...basicSpec,
  server: 'Hikvision-Webs',
  title: 'DS-2CD2032-I',
  auth: 'digest',
  realm: 'hikvision',
  protected: ['/ISAPI/'],
}
const sockets = new Set<net.Socket>()
const servers = [
  [BASIC_IP, basicSpec],
  [DIGEST_IP, digestSpec],
].map(([ip, spec]) => {
  const device = httpDevice({ spec: spec as HttpServiceSpec, credential })
  const server = net.createServer((s) => {
    sockets.add(s)
    device.handle(s)
  })
  return { ip: ip as string, server }
})

interface Reply {
  status: number
  headers: http.IncomingHttpHeaders
  body: string
}
function get(ip: string, path: string, headers: Record<string, string> = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: ip, port: 80, path, headers, agent: false }, (res) => {
      let body = ''
      res.setEncoding('latin1')
      res.on('data', (d: string) => {
        body += d
      })
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }))
    })
    req.on('error', reject)
  })
}

const md5 = (s: string) => createHash('md5').update(s).digest('hex')
/** A Digest answer as curl computes it (RFC 7616, MD5, qop=auth). */
function digestAnswer(challenge: string, path: string, user: string, password: string): string {
  const p = parseParams(challenge.slice(7))
  const [nc, cnonce] = ['00000001', '0a4f113b']
  const ha1 = md5(`${user}:${p.realm}:${password}`)
  const response = md5(`${ha1}:${p.nonce}:${nc}:${cnonce}:auth:${md5(`GET:${path}`)}`)
  return `Digest username="${user}", realm="${p.realm}", nonce="${p.nonce}", uri="${path}", qop=auth, nc=${nc}, cnonce="${cnonce}", response="${response}", opaque="${p.opaque}"`
}

describe('http device', () => {
  before(() =>
    Promise.all(
      servers.map(({ ip, server }) => new Promise<void>((resolve) => server.listen(80, ip, resolve))),
    ),
  )
  after(() => {
    for (const s of sockets) s.destroy()
    return Promise.all(
      servers.map(({ server }) => new Promise<void>((resolve) => server.close(() => resolve()))),
    )
  })

  it('Basic: 401 with the realm without credentials or with wrong ones, 200 with the right ones', async () => {
    const none = await get(BASIC_IP, '/')
    assert.equal(none.status, 401)
    assert.equal(none.headers['www-authenticate'], 'Basic realm="TP-LINK Wireless N Router WR841N"')
    assert.equal(none.headers.server, 'Router Webserver')
    const basic = (u: string, p: string) => ({
      Authorization: `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`,
    })
    assert.equal((await get(BASIC_IP, '/', basic('admin', 'admin1'))).status, 401)
    assert.equal((await get(BASIC_IP, '/', basic('root', 'admin'))).status, 401)
    const ok = await get(BASIC_IP, '/', basic('admin', 'admin'))
    assert.equal(ok.status, 200)
    assert.match(ok.body, /<title>TL-WR841N<\/title>/)
  })

  it('Basic: malformed Authorization headers get a 401, not a crash', async () => {
    for (const value of ['Basic', 'Basic !!!', 'Basic YWRtaW4=', 'Bearer x', 'Basic '.padEnd(4000, 'A')]) {
      assert.equal((await get(BASIC_IP, '/', { Authorization: value })).status, 401, value)
    }
  })

  it('Digest: a login page at /, a 401 challenge on the protected path, 200 for a correct answer', async () => {
    const page = await get(DIGEST_IP, '/')
    assert.equal(page.status, 200)
    assert.match(page.body, /<title>DS-2CD2032-I<\/title>/)
    assert.equal(page.headers.server, 'Hikvision-Webs')
    const path = '/ISAPI/System/deviceInfo'
    const first = await get(DIGEST_IP, path)
    assert.equal(first.status, 401)
    const challenge = first.headers['www-authenticate'] as string
    assert.match(
      challenge,
      /^Digest realm="hikvision", qop="auth", nonce="[0-9a-f]+", opaque="[0-9a-f]+", algorithm=MD5$/,
    )
    const ok = await get(DIGEST_IP, path, { Authorization: digestAnswer(challenge, path, 'admin', 'admin') })
    assert.equal(ok.status, 200)
    const wrong = await get(DIGEST_IP, path, {
      Authorization: digestAnswer(challenge, path, 'admin', '12345'),
    })
    assert.equal(wrong.status, 401)
  })

  it('Digest: a forged or tampered nonce, another realm or a garbled header is refused', async () => {
    const path = '/ISAPI/Security/users'
    const challenge = (await get(DIGEST_IP, path)).headers['www-authenticate'] as string
    const good = digestAnswer(challenge, path, 'admin', 'admin')
    const nonce = parseParams(challenge.slice(7)).nonce as string
    const forged = good.replaceAll(nonce, `${nonce.slice(0, -1)}${nonce.endsWith('0') ? '1' : '0'}`)
    assert.equal((await get(DIGEST_IP, path, { Authorization: forged })).status, 401)
    assert.equal(
      (await get(DIGEST_IP, path, { Authorization: good.replace('hikvision', 'other') })).status,
      401,
    )
    for (const value of [
      'Digest',
      'Digest ,,,="',
      'Digest username="admin"',
      `Digest ${'a=b,'.repeat(1000)}`,
    ]) {
      assert.equal((await get(DIGEST_IP, path, { Authorization: value })).status, 401, value.slice(0, 30))
    }
  })

  it('Digest nonces expire', () => {
    const auth = new DigestAuth('r')
    const challenge = auth.challenge(1_000_000)
    const p = parseParams(challenge.slice(7))
    const ha1 = md5('admin:r:admin')
    const header = `Digest username="admin", realm="r", nonce="${p.nonce}", uri="/", response="${md5(`${ha1}:${p.nonce}:${md5('GET:/')}`)}"`
    assert.equal(auth.verify(header, 'GET', credential, 1_000_000 + 1000), true)
    assert.equal(auth.verify(header, 'GET', credential, 1_000_000 + 10 * 60_000), false)
  })

  it('answers a raw garbage request with 400 and stays up', async () => {
    const c = await TcpReader.connect(BASIC_IP, 80)
    c.write(Buffer.from([0x16, 0x03, 0x01, 0x00, 0xff, 0, 0, 0, 0, 0, 0x0d, 0x0a, 0x0d, 0x0a]))
    await c.until((r) => r.closed)
    assert.match(c.text, /^HTTP\/1\.1 400/)
    assert.equal((await get(BASIC_IP, '/')).status, 401)
  })
})

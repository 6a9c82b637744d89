import { createHash } from 'node:crypto'
import { printable } from '../../core/printable.js'
import type { ProtocolModule } from '../../core/protocol-module.js'
import { completeBody, type HttpHead, header, parseHead } from '../../lib/http-head.js'
import { grabExtras } from './extras.js'
import { adminUiExposed } from './findings.js'
import { httpLogin } from './login.js'
import type { HttpAuthChallenge, HttpResult } from './result.js'

const BODY_EXCERPT = 2048

export const httpModule: ProtocolModule<HttpResult> = {
  name: 'http',
  description: 'HTTP/1.1 GET /: status, headers in order, title, auth realm, body hash',
  transport: 'tcp',
  defaultPorts: [80, 81, 82, 8000, 8001, 8008, 8080, 8081, 8088, 8888, 37215, 52869, 5000, 49152],
  tlsPorts: [443, 4443, 8443, 9443],
  // web UIs 80, 81, 443, 8080, 8443, alternate web UI 8000; Huawei UPnP 37215, Realtek UPnP 52869
  portPresets: { iot: [80, 81, 443, 8000, 8080, 8443, 37215, 52869] },
  detect: (reply) => /^HTTP\/\d/.test(reply.subarray(0, 8).toString('latin1')),

  newResult: () => ({ request: { method: 'GET', path: '/' }, headers: [], body_length: 0, truncated: false }),

  async grab({ conn, target, redial }, result) {
    const path = result.request.path
    let head: HttpHead | undefined
    await conn.write(
      `GET ${path} HTTP/1.1\r\nHost: ${target.ip}:${target.port}\r\n` +
        'User-Agent: Mozilla/5.0 (compatible; mamori/0.1)\r\nAccept: */*\r\nConnection: close\r\n\r\n',
    )
    await conn.readUntil((b) => {
      head = parseHead(b)
      return head !== undefined
    })
    if (!head) throw new Error('connection closed before the response headers')
    const parsed = head
    fillHead(result, parsed, path)
    let body: Buffer | undefined
    try {
      await conn.readUntil((b) => {
        body = completeBody(parsed, b, false)
        return body !== undefined
      })
    } catch {
      // a body that never completes still has the bytes that came
    }
    body ??= completeBody(parsed, conn.received, true) ?? conn.received.subarray(parsed.bodyStart)
    fillBody(result, body, conn.truncated)
    Object.assign(result, await grabExtras(redial, `${target.ip}:${target.port}`, result.body))
  },

  describe(result) {
    const banner = result.status_line
      ? [result.status_line, ...result.headers.map(([n, v]) => `${n}: ${v}`)].join('\r\n')
      : ''
    const observations = []
    if (result.server) observations.push({ key: 'http.server', value: result.server })
    if (result.title) observations.push({ key: 'http.title', value: result.title })
    if (result.favicon?.md5) observations.push({ key: 'http.favicon.md5', value: result.favicon.md5 })
    if (result.favicon?.mmh3 !== undefined)
      observations.push({ key: 'http.favicon.hash', value: String(result.favicon.mmh3) })
    if (result.www_authenticate)
      observations.push({ key: 'http.wwwauth', value: result.www_authenticate.raw })
    return { banner, observations }
  },
  matchKeys: ['http.server', 'http.title', 'http.favicon.md5', 'http.favicon.hash', 'http.wwwauth'],
  // the response to GET is what nmap's GetRequest probe receives
  nmapResponse(result) {
    if (result.status_line === undefined) return undefined
    const head = [result.status_line, ...result.headers.map(([n, v]) => `${n}: ${v}`)].join('\r\n')
    return { probe: 'GetRequest', text: `${head}\r\n\r\n${result.body ?? ''}` }
  },
  searchFields: [
    {
      name: 'http.title',
      type: 'text',
      facet: true,
      description: 'substring of the HTML title',
      value: (r) => r.title,
    },
    {
      name: 'http.status',
      type: 'int',
      min: 100,
      max: 999,
      facet: true,
      description: 'HTTP status code or range',
      value: (r) => r.status_code,
    },
    {
      name: 'http.server',
      type: 'text',
      facet: true,
      description: 'substring of the Server header',
      value: (r) => r.server,
    },
  ],
  findings: [adminUiExposed],
  login: httpLogin,
}

function fillHead(result: HttpResult, head: HttpHead, path: string): void {
  result.protocol = head.protocol
  result.status_code = head.status_code
  result.status_line = printable(Buffer.from(head.status_line, 'latin1'), 512)
  result.headers = head.headers
    .slice(0, 100)
    .map(([n, v]) => [printable(Buffer.from(n, 'latin1'), 128), printable(Buffer.from(v, 'latin1'), 1024)])
  const server = header(result, 'server')
  if (server) result.server = server
  const location = header(result, 'location')
  if (location) result.location = location
  const auth = header(result, 'www-authenticate')
  if (auth) result.www_authenticate = parseChallenge(auth, path)
}

function fillBody(result: HttpResult, body: Buffer, truncated: boolean): void {
  result.body_length = body.length
  result.body_sha256 = createHash('sha256').update(body).digest('hex')
  result.body = printable(body.subarray(0, BODY_EXCERPT), BODY_EXCERPT)
  const title = /<title[^>]*>([^<]*)<\/title>/i.exec(body.toString('utf8'))?.[1]?.trim()
  if (title) result.title = printable(Buffer.from(title), 256)
  result.truncated = truncated
}

function parseChallenge(raw: string, path: string): HttpAuthChallenge {
  const scheme = /^\s*([A-Za-z][\w-]*)/.exec(raw)?.[1] ?? ''
  const realm = /realm\s*=\s*(?:"([^"]*)"|([^,\s]*))/i.exec(raw)
  const challenge: HttpAuthChallenge = { scheme, raw, path }
  const value = realm?.[1] ?? realm?.[2]
  if (value !== undefined) challenge.realm = value
  return challenge
}

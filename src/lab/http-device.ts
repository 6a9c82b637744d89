import http from 'node:http'
import type net from 'node:net'
import { DigestAuth } from './digest-auth.js'
import type { HttpServiceSpec } from './family.js'

export interface HttpDeviceOptions {
  spec: HttpServiceSpec
  credential?: { username: string; password: string }
}

export interface HttpDevice {
  /** Takes each accepted TCP connection. */
  handle(socket: net.Socket): void
  server: http.Server
}

const UNAUTHORIZED_PAGE =
  '<HTML><HEAD><TITLE>401 Unauthorized</TITLE></HEAD>\n<BODY><H1>401 Unauthorized</H1>\nAuthorization required.\n</BODY></HTML>\n'
const FORBIDDEN_PAGE =
  '<HTML><HEAD><TITLE>403 Forbidden</TITLE></HEAD>\n<BODY><H1>403 Forbidden</H1>\nToo many requests.\n</BODY></HTML>\n'
const NOT_FOUND_PAGE =
  '<HTML><HEAD><TITLE>404 Not Found</TITLE></HEAD>\n<BODY><H1>404 Not Found</H1>\nThe requested URL was not found on this server.\n</BODY></HTML>\n'

/**
 * A device's web interface: its `Server` header and extra headers on every reply, a login page
 * with the device's `<title>` at `/`, and Basic or Digest authentication (with the device's realm)
 * on the protected paths: 401 with a challenge without or with wrong credentials, 200 with the
 * right ones (with `accept_any`, with any). Behind `rate_limit_ms`, any request that comes within
 * that time after a 200 gets 403, whatever it carries.
 */
export function httpDevice({ spec, credential }: HttpDeviceOptions): HttpDevice {
  const digest = spec.auth === 'digest' && spec.realm ? new DigestAuth(spec.realm) : undefined
  let limitedUntil = 0
  const server = http.createServer(
    { requestTimeout: 10_000, headersTimeout: 5_000, maxHeaderSize: 8192 },
    (req, res) => {
      const path = (req.url ?? '/').split('?')[0] as string
      const headers: Record<string, string> = { ...spec.headers, 'Content-Type': 'text/html' }
      if (spec.server) headers.Server = spec.server
      const reply = (status: number, body: string, extra: Record<string, string> = {}) => {
        res.writeHead(status, { ...headers, ...extra, 'Content-Length': String(Buffer.byteLength(body)) })
        res.end(req.method === 'HEAD' ? undefined : body)
        if (status === 200 && spec.rate_limit_ms !== undefined) limitedUntil = Date.now() + spec.rate_limit_ms
      }
      if (Date.now() < limitedUntil) {
        reply(403, FORBIDDEN_PAGE)
        return
      }
      const isProtected = spec.auth !== 'none' && spec.protected.some((prefix) => path.startsWith(prefix))
      if (isProtected) {
        const given = req.headers.authorization ?? ''
        const basic = digest ? undefined : basicPair(given)
        const ok = spec.accept_any
          ? basic !== undefined
          : credential !== undefined &&
            (digest
              ? digest.verify(given, req.method ?? 'GET', credential)
              : basic?.username === credential.username && basic.password === credential.password)
        if (!ok) {
          const challenge = digest ? digest.challenge() : `Basic realm="${spec.realm}"`
          reply(401, UNAUTHORIZED_PAGE, { 'WWW-Authenticate': challenge })
          return
        }
        reply(200, page(spec.title, 'authorized'))
        return
      }
      if (path === '/' || path === '/index.html' || path === '/index.htm')
        reply(200, page(spec.title, 'login'))
      else reply(404, NOT_FOUND_PAGE)
    },
  )
  server.keepAliveTimeout = 5_000
  // the server never listens itself, so its own request timers do not run: bound idle sockets instead
  server.setTimeout(30_000, (socket) => socket.destroy())
  return { server, handle: (socket) => server.emit('connection', socket) }
}

/** The user name and password of an `Authorization: Basic ...` header, if it is one. */
function basicPair(header: string): { username: string; password: string } | undefined {
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header)
  if (!m) return undefined
  const decoded = Buffer.from(m[1] as string, 'base64').toString('utf8')
  const colon = decoded.indexOf(':')
  return colon < 0 ? undefined : { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) }
}

function page(title: string | undefined, kind: 'login' | 'authorized'): string {
  const head = title === undefined ? '' : `<title>${title}</title>`
  const body =
    kind === 'login'
      ? '<form method="post" action="/login"><input name="username"><input name="password" type="password"><input type="submit" value="Login"></form>'
      : '<p>OK</p>'
  return `<!DOCTYPE html>\n<html><head><meta charset="utf-8">${head}</head><body>${body}</body></html>\n`
}

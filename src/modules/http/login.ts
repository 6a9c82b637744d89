import {
  basicAuthorization,
  type Challenge,
  digestAuthorization,
  parseChallenge,
} from '../../audit/http-auth.js'
import type { LoginContext, LoginOutcome, LoginVerifier } from '../../audit/login-verifier.js'
import { Transcript } from '../../audit/transcript.js'
import type { Connection } from '../../core/connection.js'
import { statusFromError } from '../../core/scan-status.js'
import type { HttpResult } from './result.js'
import { type HttpHead, header, parseHead } from './wire.js'

/**
 * HTTP Basic and Digest login on the path whose `WWW-Authenticate` the grab found. Success is a
 * status change (401 → 2xx/3xx); the audit confirms it with a wrong-password control request.
 * Each request is its own connection (`Connection: close`); nothing follows a success.
 */
export const httpLogin: LoginVerifier<HttpResult> = {
  protocol: 'http',
  applies(record) {
    const result = record.data.http as HttpResult | undefined
    const scheme = result?.www_authenticate?.scheme.toLowerCase()
    if (result?.status_code !== 401) return { ok: false, reason: 'no 401 challenge' }
    if (scheme !== 'basic' && scheme !== 'digest')
      return { ok: false, reason: `auth scheme ${scheme ?? 'none'}` }
    return { ok: true }
  },
  async login(ctx, credential) {
    const { username, password } = credential
    const basic = basicAuthorization(username, password)
    const transcript = new Transcript(password, basic.slice('Basic '.length))
    const path = ctx.hint?.www_authenticate?.path ?? '/'
    let source: Connection['local'] | undefined
    try {
      let authorization: string
      const scheme = ctx.hint?.www_authenticate?.scheme.toLowerCase()
      if (scheme === 'digest') {
        // a fresh nonce: the grab's may be stale
        const first = await request(ctx, path, undefined, transcript)
        const raw = first.head ? header(first.head, 'www-authenticate') : undefined
        const challenge = raw ? parseChallenge(raw) : undefined
        if (challenge?.scheme !== 'digest') {
          return done(
            'unknown',
            `no Digest challenge on ${path} (status ${first.head?.status_code ?? 'none'})`,
          )
        }
        const digest = digestAuthorization(challenge as Challenge, 'GET', path, username, password)
        if (!digest)
          return done('not-applicable', `Digest algorithm ${challenge.params.algorithm ?? '?'} not supported`)
        transcript.addSecret(digest.response)
        authorization = digest.header
      } else {
        authorization = basic
      }
      const reply = await request(ctx, path, authorization, transcript)
      source = reply.source
      const code = reply.head?.status_code
      if (code === undefined) return done('unknown', 'no response to the authenticated request')
      if (code >= 200 && code < 400) return done('success', `status ${code} with the credential`)
      if (code === 401 || code === 403) return done('failure', `status ${code}`)
      if (code === 429) return done('lockout', 'status 429 (too many requests)')
      return done('unknown', `status ${code}`)
    } catch (err) {
      return { ...done('error', (err as Error).message), status: statusFromError(err) }
    }

    function done(verdict: LoginOutcome['verdict'], reason: string): LoginOutcome {
      return {
        verdict,
        reason: transcript.mask(reason),
        transcript: transcript.lines(),
        ...(source ? { source } : {}),
      }
    }
  },
}

async function request(
  ctx: LoginContext<HttpResult>,
  path: string,
  authorization: string | undefined,
  transcript: Transcript,
): Promise<{ head: HttpHead | undefined; source: Connection['local'] }> {
  const conn = await ctx.open()
  const { ip, port } = ctx.target
  const lines = [
    `GET ${path} HTTP/1.1`,
    `Host: ${ip}:${port}`,
    'User-Agent: Mozilla/5.0 (compatible; mamori/0.1)',
    ...(authorization ? [`Authorization: ${authorization}`] : []),
    'Connection: close',
  ]
  transcript.sent(lines.join('\r\n'))
  await conn.write(`${lines.join('\r\n')}\r\n\r\n`)
  let head: HttpHead | undefined
  await conn.readUntil((b) => {
    head = parseHead(b)
    return head !== undefined
  })
  if (head) transcript.received(`${head.status_line}${wwwAuth(head)}`)
  conn.close()
  return { head, source: conn.local }
}

function wwwAuth(head: HttpHead): string {
  const v = header(head, 'www-authenticate')
  return v ? `\r\nWWW-Authenticate: ${v}` : ''
}

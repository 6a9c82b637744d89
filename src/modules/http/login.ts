import type { Connection } from '../../core/connection.js'
import type { LoginContext, LoginOutcome, LoginVerifier } from '../../core/login-verifier.js'
import { printable } from '../../core/printable.js'
import { statusFromError } from '../../core/scan-status.js'
import { Transcript } from '../../core/transcript.js'
import {
  basicAuthorization,
  type Challenge,
  digestAuthorization,
  parseChallenge,
} from '../../lib/http-auth.js'
import { completeBody, type HttpHead, header, parseHead } from '../../lib/http-head.js'
import { allHttpAuthPaths, httpAuthPaths } from './auth-paths.js'
import type { HttpResult } from './result.js'

/** Body bytes kept to check what an API path answered without credentials. */
const MAX_BODY = 4096

/**
 * HTTP Basic and Digest login on the path whose `WWW-Authenticate` the grab found, or, when `/` asked
 * for nothing, on the first known API path that does (data/credentials/http-auth-paths.yaml; the
 * identified vendor's first, found once per service by `prepare`). A vendor API path that answers
 * as itself without any credential is access without authentication.
 * Success is a status change (401 → 2xx/3xx); a refusal is a 401 with a Basic/Digest challenge;
 * 403 and 503 are a busy or rate-limited device, not a refusal. Each request is its own connection
 * (`Connection: close`); nothing follows a success.
 */
export const httpLogin: LoginVerifier<HttpResult> = {
  applies(record) {
    const result = record.data.http as HttpResult | undefined
    if (!result || record.status !== 'success') return { ok: false, reason: 'no http service grabbed' }
    const scheme = result.www_authenticate?.scheme.toLowerCase()
    if (result.status_code === 401 && scheme !== 'basic' && scheme !== 'digest') {
      return { ok: false, reason: `auth scheme ${scheme ?? 'none'}` }
    }
    return { ok: true }
  },
  async prepare(ctx) {
    const hint = ctx.hint as HttpResult
    if (hint.status_code === 401) return { hint }
    // `/` asked for nothing: the API paths of the identified vendor (or of every vendor we know
    // paths for, when none was identified) may
    const paths = httpAuthPaths(ctx.fingerprint?.vendor)
    for (const { path, answers } of paths.length > 0 ? paths : allHttpAuthPaths()) {
      const transcript = new Transcript()
      const { head, body } = await request(ctx, path, undefined, transcript, true)
      const code = head?.status_code
      if (code !== undefined && code >= 200 && code < 300 && body && answers.test(body)) {
        const cited = printable(Buffer.from(body.slice(0, 200), 'latin1'), 200)
        return {
          open: {
            reason: `the API path ${path} answered ${code} without any credential`,
            cited,
            transcript: transcript.lines(),
          },
        }
      }
      const raw = code === 401 && head ? header(head, 'www-authenticate') : undefined
      const scheme = raw ? parseChallenge(raw)?.scheme : undefined
      if (raw && (scheme === 'basic' || scheme === 'digest')) {
        return { hint: { ...hint, status_code: 401, www_authenticate: { scheme, raw, path } } }
      }
    }
    return { notApplicable: 'no 401 challenge at / or on known API paths' }
  },
  async login(ctx, credential) {
    const { username, password } = credential
    const basic = basicAuthorization(username, password)
    const transcript = new Transcript(password, basic.slice('Basic '.length))
    let source: Connection['local'] | undefined
    const done = (
      verdict: LoginOutcome['verdict'],
      reason: string,
      extra: Partial<LoginOutcome> = {},
    ): LoginOutcome => ({
      verdict,
      reason: transcript.mask(reason),
      ...extra,
      credentialSent: transcript.secretSent,
      transcript: transcript.lines(),
      ...(source ? { source } : {}),
    })
    try {
      const found = await challengeFor(ctx, transcript)
      if (!found) return done('not-applicable', 'no path asked for Basic or Digest credentials')
      const { path, challenge } = found
      let authorization = basic
      if (challenge.scheme === 'digest') {
        const digest = digestAuthorization(challenge, 'GET', path, username, password)
        if (!digest) {
          return done('not-applicable', `Digest algorithm ${challenge.params.algorithm ?? '?'} not supported`)
        }
        transcript.addSecret(digest.response)
        authorization = digest.header
      }
      const reply = await request(ctx, path, authorization, transcript)
      source = reply.source
      return judge(reply.head, path, done)
    } catch (err) {
      return { ...done('error', (err as Error).message), status: statusFromError(err) }
    }
  },
}

/** What the answer to an authenticated request says. */
function judge(
  head: HttpHead | undefined,
  path: string,
  done: (verdict: LoginOutcome['verdict'], reason: string, extra?: Partial<LoginOutcome>) => LoginOutcome,
): LoginOutcome {
  const code = head?.status_code
  if (code === undefined || !head) return done('dropped', 'no response to the authenticated request')
  const cited = head.status_line
  if (code >= 200 && code < 400)
    return done('success', `status ${code} on ${path} with the credential`, { cited })
  if (code === 401) {
    const scheme = parseChallenge(header(head, 'www-authenticate') ?? '')?.scheme
    if (scheme === 'basic' || scheme === 'digest')
      return done('failure', `status 401 with a new ${scheme} challenge`, {
        refusal: `http:401 ${scheme}`,
        cited,
      })
    return done('unknown', 'status 401 without a Basic or Digest challenge', { cited })
  }
  if (code === 403 || code === 503)
    return done('busy', `status ${code} (forbidden or busy, not a refusal)`, { cited })
  if (code === 429) return done('lockout', 'status 429 (too many requests)', { cited })
  return done('unknown', `status ${code}`, { cited })
}

/**
 * The path to log in to and its current challenge: the grab's Basic challenge as it was; a fresh
 * Digest nonce from an unauthenticated request; or the first vendor path that answers 401.
 */
async function challengeFor(
  ctx: LoginContext<HttpResult>,
  transcript: Transcript,
): Promise<{ path: string; challenge: Challenge } | undefined> {
  const grabbed = ctx.hint?.status_code === 401 ? ctx.hint.www_authenticate : undefined
  if (!grabbed) return undefined
  if (grabbed.scheme.toLowerCase() === 'basic')
    return { path: grabbed.path, challenge: { scheme: 'basic', params: {} } }
  // Digest needs a fresh nonce: the grab's may be stale
  const { head } = await request(ctx, grabbed.path, undefined, transcript)
  const raw = head?.status_code === 401 ? header(head, 'www-authenticate') : undefined
  const challenge = raw ? parseChallenge(raw) : undefined
  return challenge?.scheme === 'digest' ? { path: grabbed.path, challenge } : undefined
}

async function request(
  ctx: LoginContext<HttpResult>,
  path: string,
  authorization: string | undefined,
  transcript: Transcript,
  withBody = false,
): Promise<{ head: HttpHead | undefined; body?: string; source: Connection['local'] }> {
  const conn = await ctx.open()
  const { ip, port } = ctx.target
  const lines = [
    `GET ${path} HTTP/1.1`,
    `Host: ${ip}:${port}`,
    'User-Agent: Mozilla/5.0 (compatible; mamori/0.1)',
    ...(authorization ? [`Authorization: ${authorization}`] : []),
    'Connection: close',
  ]
  if (authorization) transcript.sentCredential(lines.join('\r\n'))
  else transcript.sent(lines.join('\r\n'))
  await conn.write(`${lines.join('\r\n')}\r\n\r\n`)
  let head: HttpHead | undefined
  let body: Buffer | undefined
  try {
    await conn.readUntil(() => {
      const all = conn.received
      head ??= parseHead(all)
      if (!head) return false
      if (!withBody) return true
      body = completeBody(head, all, conn.isEnded)
      return body !== undefined || all.length - head.bodyStart >= MAX_BODY
    })
  } catch (err) {
    // a body that never ends still leaves its head and first bytes to judge
    if (!head) throw err
  }
  if (head && withBody && body === undefined) body = conn.received.subarray(head.bodyStart)
  if (head) transcript.received(`${head.status_line}${wwwAuth(head)}`)
  conn.close()
  return {
    head,
    ...(body ? { body: body.subarray(0, MAX_BODY).toString('latin1') } : {}),
    source: conn.local,
  }
}

function wwwAuth(head: HttpHead): string {
  const v = header(head, 'www-authenticate')
  return v ? `\r\nWWW-Authenticate: ${v}` : ''
}

import type { Connection } from '../../core/connection.js'
import { attemptLogin } from '../../core/login-attempt.js'
import type { LoginVerifier } from '../../core/login-verifier.js'
import { Transcript } from '../../core/transcript.js'
import { basicAuthorization, digestAuthorization, parseChallenge } from '../../lib/http-auth.js'
import { findHeader } from '../../lib/http-head.js'
import type { RtspResult } from './result.js'
import { type RtspResponse, readResponse } from './wire.js'

/**
 * RTSP DESCRIBE with Basic or Digest (RFC 2326 §D, RFC 7616) on the path that asked for
 * credentials: 200 (or 404: authenticated, no stream at that path) is a login, 401 with a new challenge a refusal, 403/503 a busy or forbidding
 * server (not a refusal). No SETUP or PLAY is ever sent.
 */
export const rtspLogin: LoginVerifier<RtspResult> = {
  applies(record) {
    const result = record.data.rtsp as RtspResult | undefined
    if (!result?.auth) return { ok: false, reason: 'no DESCRIBE asked for credentials' }
    return { ok: true }
  },
  openAccess(record) {
    const open = (record.data.rtsp as RtspResult | undefined)?.unauthenticated_stream
    return open ? `stream description of ${open.path} without credentials` : undefined
  },
  async login(ctx, credential) {
    const { username, password } = credential
    const basic = basicAuthorization(username, password)
    const transcript = new Transcript(password, basic.slice('Basic '.length))
    const path = ctx.hint?.describe.find((d) => d.status_code === 401)?.path ?? '/'
    const url = `rtsp://${ctx.target.ip}:${ctx.target.port}${path}`
    return attemptLogin(ctx, transcript, async (conn, done) => {
      const client = new Describer(conn, url, transcript)
      const first = await client.describe()
      if (first.status_code === 200) return done('open', 'DESCRIBE answered 200 without credentials')
      const raw = findHeader(first.headers, 'www-authenticate')
      const challenge = raw ? parseChallenge(raw) : undefined
      let authorization = basic
      if (challenge?.scheme === 'digest') {
        const digest = digestAuthorization(challenge, 'DESCRIBE', url, username, password)
        if (!digest)
          return done('not-applicable', `Digest algorithm ${challenge.params.algorithm ?? '?'} not supported`)
        transcript.addSecret(digest.response)
        authorization = digest.header
      }
      if (conn.isEnded) {
        conn = await ctx.open()
        client.reconnect(conn)
      }
      const second = await client.describe(authorization)
      const code = second.status_code
      // 404 after a 401: the credential passed and the path has no stream (the controls still decide)
      if (code === 200 || code === 404)
        return done('success', `DESCRIBE answered ${code} with the credential`)
      if (code === 401) {
        const again = parseChallenge(findHeader(second.headers, 'www-authenticate') ?? '')?.scheme
        if (again === 'basic' || again === 'digest')
          return {
            ...done('failure', `DESCRIBE answered 401 with a new ${again} challenge`),
            refusal: `rtsp:401 ${again}`,
          }
        return done('unknown', 'DESCRIBE answered 401 without a challenge')
      }
      if (code === 403 || code === 503) return done('busy', `DESCRIBE answered ${code} (not a refusal)`)
      return done('unknown', `DESCRIBE answered ${code}`)
    })
  },
}

class Describer {
  private cseq = 0
  private offset = 0
  constructor(
    private conn: Connection,
    private readonly url: string,
    private readonly transcript: Transcript,
  ) {}

  reconnect(conn: Connection): void {
    this.conn = conn
    this.offset = 0
  }

  async describe(authorization?: string): Promise<RtspResponse> {
    this.cseq++
    const lines = [
      `DESCRIBE ${this.url} RTSP/1.0`,
      `CSeq: ${this.cseq}`,
      'User-Agent: mamori/0.1',
      'Accept: application/sdp',
      ...(authorization ? [`Authorization: ${authorization}`] : []),
    ]
    if (authorization) this.transcript.sentCredential(lines.join('\r\n'))
    else this.transcript.sent(lines.join('\r\n'))
    await this.conn.write(`${lines.join('\r\n')}\r\n\r\n`)
    const response = await readResponse(this.conn, this.offset)
    this.offset += response.length
    this.transcript.received(response.status_line)
    return response
  }
}

import { Client } from 'ssh2'
import type { Connection } from '../../core/connection.js'
import { attemptLogin } from '../../core/login-attempt.js'
import type { LoginOutcome, LoginVerifier } from '../../core/login-verifier.js'
import { Transcript } from '../../core/transcript.js'
import { ConnectionStream } from './connection-stream.js'
import type { SshResult } from './result.js'

// old devices speak only these; ssh2 keeps them off by default
const LEGACY = {
  kex: { append: ['diffie-hellman-group14-sha1', 'diffie-hellman-group1-sha1'] },
  serverHostKey: { append: ['ssh-dss'] },
  cipher: { append: ['aes128-cbc', 'aes256-cbc', '3des-cbc'] },
} as const

/**
 * SSH login with the ssh2 client over a framework connection: `none` first (a server that lets the
 * user in without any credential), then password, then keyboard-interactive answering every prompt
 * with the password. Success is the server's USERAUTH_SUCCESS; no channel, shell or exec is ever
 * opened, and the client disconnects at once. A refusal is the server's USERAUTH_FAILURE for every
 * method; a connection closed without one is not a refusal.
 */
export const sshLogin: LoginVerifier<SshResult> = {
  applies(record) {
    const result = record.data.ssh as SshResult | undefined
    if (record.status !== 'success' || !result) return { ok: false, reason: 'no ssh service grabbed' }
    return { ok: true }
  },
  async login(ctx, credential) {
    const transcript = new Transcript(credential.password)
    return attemptLogin(ctx, transcript, async (conn, finish) => {
      const outcome = await authenticate(
        conn,
        credential.username,
        credential.password,
        transcript,
        ctx.limits.deadlineMs,
      )
      return { ...outcome, ...finish(outcome.verdict, outcome.reason) }
    })
  },
}

function authenticate(
  conn: Connection,
  username: string,
  password: string,
  transcript: Transcript,
  timeoutMs: number,
): Promise<Pick<LoginOutcome, 'verdict' | 'reason' | 'refusal' | 'withoutPassword'>> {
  return new Promise((resolve) => {
    const client = new Client()
    const tried: string[] = []
    let offered: string[] | undefined
    let settled = false
    const finish = (verdict: LoginOutcome['verdict'], reason: string, extra: Partial<LoginOutcome> = {}) => {
      if (settled) return
      settled = true
      transcript.note(`${verdict}: ${reason}`)
      client.end()
      conn.close()
      resolve({ verdict, reason, ...extra })
    }
    client.on('banner', (message) => transcript.received(message))
    client.on('ready', () => {
      const method = tried.at(-1) ?? '?'
      finish('success', `USERAUTH_SUCCESS via ${method}`, method === 'none' ? { withoutPassword: true } : {})
    })
    client.on('error', (err: Error & { level?: string }) => {
      const usable =
        offered === undefined || offered.some((m) => m === 'password' || m === 'keyboard-interactive')
      if (err.level === 'client-authentication') {
        if (!usable) finish('not-applicable', `server offers only ${offered?.join(', ')}`)
        else finish('failure', `refused (${tried.join(', ')})`, { refusal: 'ssh:userauth-failure' })
      } else if (err.level === 'client-timeout') {
        finish('error', 'handshake timed out')
      } else {
        finish(/too many|locked/i.test(err.message) ? 'lockout' : 'error', err.message)
      }
    })
    client.on('close', () =>
      finish(tried.length > 0 ? 'dropped' : 'error', 'connection closed without an authentication answer'),
    )
    client.connect({
      sock: new ConnectionStream(conn),
      username,
      readyTimeout: timeoutMs,
      hostVerifier: () => true,
      algorithms: LEGACY as never,
      authHandler: (methodsLeft, _partial, next) => {
        if (methodsLeft) offered = methodsLeft
        if (tried.length === 0) {
          tried.push('none')
          transcript.sent(`USERAUTH_REQUEST ${JSON.stringify(username)} none`)
          return next({ type: 'none', username })
        }
        const method = ['password', 'keyboard-interactive'].find(
          (m) => !tried.includes(m) && (!methodsLeft || methodsLeft.includes(m as never)),
        )
        if (!method) return next(false as never)
        tried.push(method)
        transcript.sentSecret(`USERAUTH_REQUEST ${JSON.stringify(username)} ${method} `)
        if (method === 'password') return next({ type: 'password', username, password })
        return next({
          type: 'keyboard-interactive',
          username,
          prompt: (_name, _instructions, _lang, prompts, reply) => {
            for (const p of prompts) transcript.received(p.prompt)
            reply(prompts.map(() => password))
          },
        })
      },
    })
  })
}

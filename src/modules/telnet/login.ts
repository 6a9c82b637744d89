import type { Credential } from '../../audit/credential.js'
import { attemptLogin } from '../../audit/login-attempt.js'
import type { LoginContext, LoginOutcome, LoginVerifier } from '../../audit/login-verifier.js'
import { Transcript } from '../../audit/transcript.js'
import type { Connection } from '../../core/connection.js'
import { afterPassword, afterUsername, preLoginPrompt } from './login-rules.js'
import { LoginScreen } from './login-screen.js'
import type { TelnetResult } from './result.js'

/** A prompt is believed once the screen has been quiet this long (a MOTD may still be coming). */
const PROMPT_SETTLE_MS = 30
/** A success prompt must stay, quiet, this long: devices that accept anything then refuse show it here. */
const SUCCESS_SETTLE_MS = 400

/**
 * Telnet login by a prompt state machine: banner/MOTD → `login:`/`Username:`/`User Name:` (or a
 * password-only prompt) → password → judged by positive or negative evidence (see login-rules.ts).
 * Option negotiation is answered until the password is sent; after it, nothing is sent at all.
 */
export const telnetLogin: LoginVerifier<TelnetResult> = {
  protocol: 'telnet',
  applies(record) {
    const result = record.data.telnet as TelnetResult | undefined
    if (record.status !== 'success' || !result) return { ok: false, reason: 'no telnet service grabbed' }
    if (result.prompt_kind === 'login' || result.prompt_kind === 'password') return { ok: true }
    return { ok: false, reason: `no login prompt (${result.prompt_kind})` }
  },
  openAccess(record) {
    const result = record.data.telnet as TelnetResult | undefined
    return result?.prompt_kind === 'shell'
      ? `shell prompt without login: "${result.prompt ?? ''}"`
      : undefined
  },
  async login(ctx, credential) {
    const transcript = new Transcript(credential.password)
    return attemptLogin(ctx, transcript, async (conn, finish) => {
      const outcome = await converse(ctx, conn, credential, transcript)
      return { ...outcome, ...finish(outcome.verdict, outcome.reason) }
    })
  },
}

type Converse = Pick<LoginOutcome, 'verdict' | 'reason'>

async function converse(
  ctx: LoginContext<TelnetResult>,
  conn: Connection,
  credential: Credential,
  transcript: Transcript,
): Promise<Converse> {
  const screen = new LoginScreen(conn, transcript)
  const wait = ctx.limits.readTimeoutMs
  const first = await screen.until((text) => {
    const p = preLoginPrompt(text)
    return p ? { value: p, settle: PROMPT_SETTLE_MS } : undefined
  }, wait)
  if (!first) return { verdict: 'unknown', reason: 'no login prompt' }
  if (first.kind === 'shell')
    return { verdict: 'open', reason: `shell prompt "${first.prompt}" before any login` }

  let before = first.prompt
  if (first.kind === 'login') {
    screen.mark()
    await screen.send(`${credential.username}\r\n`)
    const next = await screen.until((text, closed) => {
      if (closed) return { value: 'closed' as const, settle: 0 }
      const v = afterUsername(text)
      // a password prompt is answered at once; anything else must be quiet first
      return v ? { value: v, settle: v === 'password' ? PROMPT_SETTLE_MS : SUCCESS_SETTLE_MS } : undefined
    }, wait)
    if (next === undefined) return { verdict: 'unknown', reason: 'no password prompt after the username' }
    if (next === 'closed') return { verdict: 'failure', reason: 'disconnected after the username' }
    if (next === 'lockout') return { verdict: 'lockout', reason: 'lockout message after the username' }
    if (next === 'failure') return { verdict: 'failure', reason: 'refused after the username' }
    if (next === 'shell') {
      // the account has no password: only an empty-password entry may claim it
      if (credential.password !== '') return { verdict: 'unknown', reason: 'shell without a password prompt' }
      return { verdict: 'success', reason: 'shell prompt right after the username (empty password)' }
    }
    before = preLoginPrompt(screen.text)?.prompt ?? before
  }

  screen.mark()
  screen.negotiating = false
  transcript.sentSecret('', '')
  await conn.write(`${credential.password}\r\n`)
  const verdict = await screen.until((text, closed) => {
    const v = afterPassword(text, before, closed)
    if (!v) return undefined
    return { value: v, settle: v.verdict === 'success' ? SUCCESS_SETTLE_MS : 0 }
  }, wait * 2)
  return verdict ?? { verdict: 'unknown', reason: 'no decisive screen after the password' }
}

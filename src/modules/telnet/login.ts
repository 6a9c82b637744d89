import type { Connection } from '../../core/connection.js'
import type { Credential } from '../../core/credential.js'
import { attemptLogin } from '../../core/login-attempt.js'
import type { LoginContext, LoginOutcome, LoginVerifier } from '../../core/login-verifier.js'
import { Transcript } from '../../core/transcript.js'
import {
  type AfterUsername,
  afterPassword,
  afterUsername,
  type PreLogin,
  preLogin,
  type ScreenVerdict,
} from './login-rules.js'
import { LoginScreen } from './login-screen.js'
import { classifyPrompt } from './prompt.js'
import type { TelnetResult } from './result.js'

/** A prompt is believed once the screen has been quiet this long (a MOTD may still be coming). */
const PROMPT_SETTLE_MS = 30
/** A shell must stay, quiet, this long: devices that accept anything then refuse show it here. */
const SHELL_SETTLE_MS = 400

type Converse = Pick<LoginOutcome, 'verdict' | 'reason' | 'refusal' | 'cited' | 'withoutPassword'>

/**
 * Telnet login by a prompt state machine: banner/MOTD → `login:`/`Username:`/`User Name:` (or a
 * password-only prompt) → password → judged by positive or negative evidence (see login-rules.ts).
 * A shell before any input is an open shell; a shell right after the user name is an account
 * without a password, and nothing more is sent into it. Option negotiation is answered until the
 * password is sent; after it, nothing at all is sent.
 */
export const telnetLogin: LoginVerifier<TelnetResult> = {
  applies(record) {
    const result = record.data.telnet as TelnetResult | undefined
    if (record.status !== 'success' || !result) return { ok: false, reason: 'no telnet service grabbed' }
    // a shell seen by the grab is confirmed on a fresh connection before it is called open
    if (result.prompt_kind !== 'none') return { ok: true }
    return { ok: false, reason: 'no login prompt' }
  },
  async login(ctx, credential) {
    const transcript = new Transcript(credential.password)
    return attemptLogin(ctx, transcript, async (conn, finish) => {
      const outcome = await converse(ctx, conn, credential, transcript)
      return { ...outcome, ...finish(outcome.verdict, outcome.reason) }
    })
  },
}

async function converse(
  ctx: LoginContext<TelnetResult>,
  conn: Connection,
  credential: Credential,
  transcript: Transcript,
): Promise<Converse> {
  const screen = new LoginScreen(conn, transcript)
  const wait = ctx.limits.readTimeoutMs
  const first = await screen.until<PreLogin | 'closed'>((text, closed) => {
    if (closed) return { value: 'closed', settle: 0 }
    const p = preLogin(text)
    return p ? { value: p, settle: p.kind === 'shell' ? SHELL_SETTLE_MS : PROMPT_SETTLE_MS } : undefined
  }, wait)
  if (!first) return { verdict: 'unknown', reason: 'no login prompt' }
  if (first === 'closed') return { verdict: 'dropped', reason: 'disconnected before a login prompt' }
  if (first.kind === 'lockout' || first.kind === 'busy')
    return { verdict: first.kind, reason: `${first.kind} message "${first.cited}"`, cited: first.cited }
  if (first.kind === 'shell')
    return { verdict: 'open', reason: `shell "${first.cited}" before any login`, cited: first.cited }

  let before = first.prompt
  if (first.kind === 'login') {
    screen.mark()
    await screen.send(`${credential.username}\r\n`)
    const next = await screen.until<AfterUsername | 'closed'>((text, closed) => {
      if (closed) return { value: 'closed', settle: 0 }
      const v = afterUsername(text, credential.username)
      // a password prompt is answered at once; a shell or a refusal must be quiet first
      return v
        ? { value: v, settle: 'kind' in v && v.kind === 'password' ? PROMPT_SETTLE_MS : SHELL_SETTLE_MS }
        : undefined
    }, wait)
    if (next === undefined) return { verdict: 'unknown', reason: 'no password prompt after the username' }
    if (next === 'closed')
      return { verdict: 'dropped', reason: 'disconnected after the username, without a refusal' }
    if ('kind' in next && next.kind === 'shell') {
      // the account has no password: the password we were about to send would be typed into a shell
      return {
        verdict: 'success',
        withoutPassword: true,
        reason: `shell "${next.cited}" right after the user name: no password asked`,
        cited: next.cited,
      }
    }
    if ('verdict' in next) return next
    before = classifyPrompt(screen.text).prompt?.trimEnd() ?? before
  }

  screen.mark()
  screen.negotiating = false
  transcript.sentSecret('', '')
  await conn.write(`${credential.password}\r\n`)
  const verdict = await screen.until<ScreenVerdict>((text, closed) => {
    const v = afterPassword(text, before, closed, credential.username)
    if (!v)
      return closed
        ? { value: { verdict: 'dropped', reason: 'disconnected after the password' }, settle: 0 }
        : undefined
    // a shell must stay; a refusal is read to its end (the device logs it before its next prompt)
    return { value: v, settle: v.verdict === 'success' ? SHELL_SETTLE_MS : PROMPT_SETTLE_MS }
  }, wait * 2)
  return verdict ?? { verdict: 'unknown', reason: 'no decisive screen after the password' }
}

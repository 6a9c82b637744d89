import type { Connection } from './connection.js'
import type { LoginContext, LoginOutcome, LoginVerdict } from './login-verifier.js'
import { statusFromError } from './scan-status.js'
import type { Transcript } from './transcript.js'

/** Verdicts that are the device's judgement of a credential, whatever was sent. */
const JUDGED: ReadonlySet<LoginVerdict> = new Set(['success', 'failure'])

/** Whether the device judged a credential: the secret went out, or it answered one. */
function credentialJudged(verdict: LoginVerdict, transcript: Transcript): boolean {
  return transcript.secretSent || JUDGED.has(verdict)
}

/** Ends an attempt: the verdict with its reason masked, the transcript so far and our address. */
export type FinishLogin = (verdict: LoginVerdict, reason: string) => LoginOutcome

/**
 * Runs one login exchange on a fresh framework connection. Whatever happens, the outcome comes
 * back with the password masked, the transcript and the source address as evidence; a thrown
 * error becomes an `error` verdict with its scan status.
 */
export async function attemptLogin(
  ctx: LoginContext<unknown>,
  transcript: Transcript,
  exchange: (conn: Connection, finish: FinishLogin) => Promise<LoginOutcome>,
): Promise<LoginOutcome> {
  let conn: Connection | undefined
  const finish: FinishLogin = (verdict, reason) => ({
    verdict,
    reason: transcript.mask(reason),
    credentialSent: credentialJudged(verdict, transcript),
    transcript: transcript.lines(),
    ...(conn ? { source: conn.local } : {}),
  })
  try {
    conn = await ctx.open()
    return await exchange(conn, finish)
  } catch (err) {
    return { ...finish('error', (err as Error).message), status: statusFromError(err) }
  }
}

import { attemptLogin } from '../../core/login-attempt.js'
import type { LoginVerifier } from '../../core/login-verifier.js'
import { Transcript } from '../../core/transcript.js'
import { type LineResult, readLine } from './wire.js'

/** USER then PASS: `OK` is a login, `DENIED` a refusal, a close before either is not a refusal. */
export const lineLogin: LoginVerifier<LineResult> = {
  applies(record) {
    const result = record.data.line as LineResult | undefined
    return result?.product ? { ok: true } : { ok: false, reason: 'no LINE/1 greeting in the grab' }
  },
  login(ctx, credential) {
    const transcript = new Transcript(credential.password)
    return attemptLogin(ctx, transcript, async (conn, done) => {
      let at = 0
      const next = async () => {
        const line = await readLine(conn, at)
        if (line) {
          at = line.end
          transcript.received(line.text)
        }
        return line?.text
      }
      if ((await next()) === undefined) return done('dropped', 'closed before the greeting')
      transcript.sent(`USER ${credential.username}`)
      await conn.write(`USER ${credential.username}\r\n`)
      const asked = await next()
      if (asked === 'DENIED')
        return { ...done('failure', 'DENIED after the user name'), refusal: 'line:denied' }
      if (asked !== 'PASS?') return done(asked === undefined ? 'dropped' : 'unknown', `after USER: ${asked}`)
      transcript.sentSecret('PASS ')
      await conn.write(`PASS ${credential.password}\r\n`)
      const answer = await next()
      if (answer === 'OK') return { ...done('success', 'OK after the password'), cited: answer }
      if (answer === 'DENIED')
        return { ...done('failure', 'DENIED after the password'), refusal: 'line:denied' }
      return done(answer === undefined ? 'dropped' : 'unknown', `after PASS: ${answer}`)
    })
  },
}

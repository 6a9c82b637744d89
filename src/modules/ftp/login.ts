import type { Connection } from '../../core/connection.js'
import { attemptLogin, type FinishLogin } from '../../core/login-attempt.js'
import type { LoginOutcome, LoginVerifier } from '../../core/login-verifier.js'
import { Transcript } from '../../core/transcript.js'
import type { FtpResult } from './result.js'
import { type FtpReply, parseReply } from './wire.js'

// a 421 that names failed logins or a block is a lockout; any other 421 is a busy server
const LOCKOUT_421 = /(?:login|authentication|password)s? (?:failures|attempts|failed)|locked|banned|blocked/i

/**
 * FTP USER/PASS (RFC 959): 230 is a login, 530 (or RFC 2577's 430) a refusal, 421 a server that is
 * busy (too many connections) or stopped taking attempts. A connection closed without a reply is
 * not a refusal. After a success only QUIT is sent.
 */
export const ftpLogin: LoginVerifier<FtpResult> = {
  applies(record) {
    const result = record.data.ftp as FtpResult | undefined
    if (record.status !== 'success' || !result) return { ok: false, reason: 'no ftp service grabbed' }
    if (result.banner_code !== undefined && result.banner_code !== 220)
      return { ok: false, reason: `greeting ${result.banner_code}` }
    return { ok: true }
  },
  openAccess(record) {
    return (record.data.ftp as FtpResult | undefined)?.anonymous ? 'anonymous login accepted' : undefined
  },
  async login(ctx, credential) {
    const transcript = new Transcript(credential.password)
    return attemptLogin(ctx, transcript, async (conn, done) => {
      const replies = new Replies(conn, transcript)
      // no reply at all, or 421: the server is gone, busy or locked
      const stopped = (reply: FtpReply | undefined, step: string): LoginOutcome => {
        if (!reply) return done('dropped', `closed before a reply to ${step}`)
        const text = reply.lines.join(' ')
        return { ...done(LOCKOUT_421.test(text) ? 'lockout' : 'busy', `${step} answered 421`), cited: text }
      }
      const greeting = await replies.next()
      if (!greeting || greeting.code === 421) return stopped(greeting, 'the connection')
      if (greeting.code !== 220) return done('unknown', `greeting ${greeting.code}`)
      await replies.send(`USER ${credential.username}`)
      const user = await replies.next()
      if (!user || user.code === 421) return stopped(user, 'USER')
      if (user.code === 230)
        return await quit(replies, {
          ...done('success', 'logged in after USER alone'),
          withoutPassword: true,
        })
      if (user.code === 530 || user.code === 430) return refused(done, 'USER', user)
      if (user.code !== 331 && user.code !== 332) return done('unknown', `USER answered ${user.code}`)
      transcript.sentSecret('PASS ')
      await conn.write(`PASS ${credential.password}\r\n`)
      const pass = await replies.next()
      if (!pass || pass.code === 421) return stopped(pass, 'PASS')
      if (pass.code === 230 || pass.code === 202)
        return await quit(replies, done('success', `PASS answered ${pass.code}`))
      if (pass.code === 530 || pass.code === 430 || pass.code === 332) return refused(done, 'PASS', pass)
      return done('unknown', `PASS answered ${pass.code}`)
    })
  },
}

function refused(done: FinishLogin, step: string, reply: FtpReply): LoginOutcome {
  return {
    ...done('failure', `${step} answered ${reply.code}`),
    refusal: `ftp:${step} ${reply.code}`,
    cited: reply.lines.join(' '),
  }
}

async function quit(replies: Replies, outcome: LoginOutcome): Promise<LoginOutcome> {
  await replies.send('QUIT').catch(() => {})
  return outcome
}

class Replies {
  private offset = 0
  constructor(
    private readonly conn: Connection,
    private readonly transcript: Transcript,
  ) {}

  async send(line: string): Promise<void> {
    this.transcript.sent(line)
    await this.conn.write(`${line}\r\n`)
  }

  /** The next complete reply, or undefined when the server closed before one. */
  async next(): Promise<FtpReply | undefined> {
    let reply: FtpReply | undefined
    await this.conn.readUntil(() => {
      reply = parseReply(this.conn.received.subarray(this.offset))
      return reply !== undefined
    })
    if (!reply) return undefined
    this.offset += reply.length
    this.transcript.received(reply.lines.join('\n'))
    return reply
  }
}

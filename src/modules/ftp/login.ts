import { attemptLogin } from '../../audit/login-attempt.js'
import type { LoginOutcome, LoginVerifier } from '../../audit/login-verifier.js'
import { Transcript } from '../../audit/transcript.js'
import type { Connection } from '../../core/connection.js'
import type { FtpResult } from './result.js'
import { type FtpReply, parseReply } from './wire.js'

/**
 * FTP USER/PASS (RFC 959): 230 is a login, 530 a refusal, 421 a server that stopped taking
 * attempts. After a success only QUIT is sent.
 */
export const ftpLogin: LoginVerifier<FtpResult> = {
  protocol: 'ftp',
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
      const greeting = await replies.next()
      if (greeting.code === 421) return done('lockout', 'greeting 421')
      if (greeting.code !== 220) return done('unknown', `greeting ${greeting.code}`)
      await replies.send(`USER ${credential.username}`)
      const user = await replies.next()
      if (user.code === 230) return await quit(replies, done('success', 'logged in after USER alone'))
      if (user.code === 421) return done('lockout', 'USER answered 421')
      if (user.code !== 331 && user.code !== 332) return done('failure', `USER answered ${user.code}`)
      transcript.sentSecret('PASS ')
      await conn.write(`PASS ${credential.password}\r\n`)
      const pass = await replies.next()
      if (pass.code === 230 || pass.code === 202)
        return await quit(replies, done('success', `PASS answered ${pass.code}`))
      if (pass.code === 421) return done('lockout', 'PASS answered 421')
      if (pass.code === 530 || pass.code === 430 || pass.code === 332)
        return done('failure', `PASS answered ${pass.code}`)
      return done('unknown', `PASS answered ${pass.code}`)
    })
  },
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

  async next(): Promise<FtpReply> {
    let reply: FtpReply | undefined
    await this.conn.readUntil(() => {
      reply = parseReply(this.conn.received.subarray(this.offset))
      return reply !== undefined
    })
    if (!reply) throw new Error('connection closed before a complete FTP reply')
    this.offset += reply.length
    this.transcript.received(reply.lines.join('\n'))
    return reply
  }
}

import type { Connection } from '../../core/connection.js'
import { printable } from '../../core/printable.js'
import type { ProtocolModule } from '../../core/protocol-module.js'
import { anonymousFtp } from './findings.js'
import { ftpLogin } from './login.js'
import type { FtpResult } from './result.js'
import { type FtpReply, featureList, parseReply, replyText } from './wire.js'

/** The customary anonymous password: an address that names the tool and reaches no one. */
const ANON_PASSWORD = 'mamori@example.invalid'
const FAILED_LOGIN_WAIT_MS = 6000

/** Reads replies one at a time from an offset of its own, so a pipelining server's next reply is kept. */
class ReplyReader {
  private offset = 0
  constructor(private readonly conn: Connection) {}

  async command(line: string, timeoutMs?: number): Promise<FtpReply> {
    await this.conn.write(`${line}\r\n`)
    return this.next(timeoutMs)
  }

  async next(timeoutMs?: number): Promise<FtpReply> {
    let reply: FtpReply | undefined
    await this.conn.readUntil(() => {
      reply = parseReply(this.conn.received.subarray(this.offset))
      return reply !== undefined
    }, timeoutMs)
    if (!reply) throw new Error('connection closed before a complete FTP reply')
    this.offset += reply.length
    return reply
  }
}

function text(reply: FtpReply): string {
  return printable(Buffer.from(replyText(reply), 'latin1'), 1024)
}

export const ftpModule: ProtocolModule<FtpResult> = {
  name: 'ftp',
  description: 'FTP greeting, FEAT and SYST before login, anonymous login allowed',
  transport: 'tcp',
  defaultPorts: [21, 2121],
  portPresets: { iot: [21] },
  // SMTP greets with 220 too
  detect: (reply) =>
    /^220[ -]/.test(reply.toString('latin1')) && !/SMTP|\bmail\b/i.test(reply.toString('latin1')),

  newResult: () => ({ banner: '' }),

  async grab({ conn }, result) {
    const reader = new ReplyReader(conn)
    const greeting = await reader.next()
    result.banner = text(greeting)
    result.banner_code = greeting.code
    if (greeting.code !== 220) return // 421 "too many users" still identifies the server
    // each step after the greeting is optional: a server that refuses it is still an FTP server
    try {
      const feat = await reader.command('FEAT')
      const features = featureList(feat).slice(0, 64)
      if (feat.code === 211) {
        result.features = features.map((f) => printable(Buffer.from(f, 'latin1'), 128))
        result.auth_tls = features.some((f) => /^AUTH\b.*\bTLS\b/i.test(f))
      }
      const syst = await reader.command('SYST')
      if (syst.code === 215) result.syst = text(syst)
      const user = await reader.command('USER anonymous')
      let last = user
      // servers delay a failed login (PAM's fail delay is 2 s or more): wait longer, within the deadline
      if (user.code === 331) last = await reader.command(`PASS ${ANON_PASSWORD}`, FAILED_LOGIN_WAIT_MS)
      result.anonymous = last.code === 230
      result.anonymous_reply = `${last.code} ${text(last)}`.slice(0, 256)
      await conn.write('QUIT\r\n').catch(() => {})
    } catch (err) {
      return { error: (err as Error).message }
    }
  },

  describe(result) {
    const observations = []
    if (result.banner) observations.push({ key: 'ftp.banner', value: result.banner })
    if (result.syst) observations.push({ key: 'ftp.syst', value: result.syst })
    return { banner: result.banner, observations }
  },
  matchKeys: ['ftp.banner', 'ftp.syst'],
  // the greeting is what nmap's NULL probe hears
  nmapResponse(result, banner) {
    if (result.banner_code !== undefined)
      return { probe: 'NULL', text: `${result.banner_code} ${banner}\r\n` }
    return banner ? { probe: 'NULL', text: banner.endsWith('\n') ? banner : `${banner}\r\n` } : undefined
  },
  findings: [anonymousFtp],
  login: ftpLogin,
}

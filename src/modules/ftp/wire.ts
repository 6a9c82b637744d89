import { ProtocolError } from '../../core/scan-status.js'

/** One FTP reply (RFC 959 §4.2): a code and its text lines, multi-line replies joined. */
export interface FtpReply {
  code: number
  lines: string[]
  /** Bytes the reply took, so the next one starts after it. */
  length: number
}

const MAX_LINES = 200

/**
 * Parses the first complete reply in `data`; undefined while incomplete. A multi-line reply opens
 * with `ddd-` and ends at the first line that starts with the same code and a space.
 */
export function parseReply(data: Buffer): FtpReply | undefined {
  const text = data.toString('latin1')
  const first = /^(\d{3})([ -])/.exec(text)
  if (!first) {
    if (text.length >= 4 || /[^\d]/.test(text)) {
      throw new ProtocolError(`not an FTP reply: ${JSON.stringify(text.slice(0, 40))}`)
    }
    return undefined
  }
  const code = first[1] as string
  const lines: string[] = []
  let pos = 0
  while (true) {
    const nl = text.indexOf('\n', pos)
    if (nl < 0) return undefined
    const line = text.slice(pos, nl).replace(/\r$/, '')
    pos = nl + 1
    if (lines.length < MAX_LINES) lines.push(line)
    if (lines.length === 1 && first[2] === ' ') break
    if (lines.length > 1 && line.startsWith(`${code} `)) break
  }
  return { code: Number(code), lines, length: pos }
}

/** The reply's text without the codes: `220-Welcome\r\n220 ready` → `Welcome\nready`. */
export function replyText(reply: FtpReply): string {
  return reply.lines.map((l) => l.replace(/^\d{3}[ -]?/, '')).join('\n')
}

/** FEAT's feature lines (RFC 2389): the indented lines between `211-` and `211 End`. */
export function featureList(reply: FtpReply): string[] {
  if (reply.code !== 211) return []
  return reply.lines
    .slice(1, -1)
    .map((l) => l.trim())
    .filter((l) => l !== '')
}

import { ProtocolError } from '../core/scan-status.js'

export interface HttpHead {
  protocol: string
  status_code: number
  status_line: string
  /** [name, value] in the order and letter case received. */
  headers: [string, string][]
  /** Offset of the body in the received bytes. */
  bodyStart: number
}

const HEAD_END = Buffer.from('\r\n\r\n')

/** The parts of an HTTP-shaped head (HTTP, RTSP): status line, headers, where the body starts. */
export interface HeadParts {
  statusLine: string
  /** [name, value] in the order and letter case received. */
  headers: [string, string][]
  bodyStart: number
}

/** Splits a complete head; undefined while incomplete. At most `maxLines` header lines are read. */
export function splitHead(data: Buffer, maxLines = Number.POSITIVE_INFINITY): HeadParts | undefined {
  let end = data.indexOf(HEAD_END)
  let sep = 4
  if (end < 0) {
    // some embedded servers end lines with a bare LF
    end = data.indexOf('\n\n')
    sep = 2
    if (end < 0) return undefined
  }
  const lines = data.subarray(0, end).toString('latin1').split(/\r?\n/)
  const statusLine = lines.shift() ?? ''
  const headers: [string, string][] = []
  for (const line of lines.slice(0, maxLines)) {
    const colon = line.indexOf(':')
    if (colon <= 0) continue // tolerate junk lines rather than lose the rest
    headers.push([line.slice(0, colon).trim(), line.slice(colon + 1).trim()])
  }
  return { statusLine, headers, bodyStart: end + sep }
}

/** Parses the status line and headers once they are complete; undefined while incomplete. */
export function parseHead(data: Buffer): HttpHead | undefined {
  const parts = splitHead(data)
  if (!parts) return undefined
  const { statusLine, headers, bodyStart } = parts
  const match = /^(HTTP\/\d(?:\.\d)?)\s+(\d{3})(?:\s.*)?$/.exec(statusLine)
  if (!match) throw new ProtocolError(`not an HTTP status line: ${JSON.stringify(statusLine.slice(0, 80))}`)
  return {
    protocol: match[1] as string,
    status_code: Number(match[2]),
    status_line: statusLine,
    headers,
    bodyStart,
  }
}

/** A header's value by case-insensitive name (the first one received). */
export function findHeader(headers: readonly [string, string][], name: string): string | undefined {
  const lower = name.toLowerCase()
  return headers.find(([n]) => n.toLowerCase() === lower)?.[1]
}

export function header(head: Pick<HttpHead, 'headers'>, name: string): string | undefined {
  return findHeader(head.headers, name)
}

/**
 * Whether the body is complete: by Content-Length, by the chunked terminator, or (neither) only at close.
 * Returns the decoded body when complete.
 */
export function completeBody(head: HttpHead, data: Buffer, closed: boolean): Buffer | undefined {
  const raw = data.subarray(head.bodyStart)
  if (
    head.status_code === 204 ||
    head.status_code === 304 ||
    (head.status_code >= 100 && head.status_code < 200)
  ) {
    return Buffer.alloc(0)
  }
  if (/chunked/i.test(header(head, 'transfer-encoding') ?? '')) {
    const decoded = dechunk(raw)
    return decoded ?? (closed ? raw : undefined)
  }
  const length = Number(header(head, 'content-length'))
  if (Number.isInteger(length) && length >= 0) {
    if (raw.length >= length) return raw.subarray(0, length)
    return closed ? raw : undefined
  }
  return closed ? raw : undefined
}

/** Decodes a chunked body; undefined until the last chunk has arrived. */
function dechunk(raw: Buffer): Buffer | undefined {
  const parts: Buffer[] = []
  let i = 0
  for (;;) {
    const lineEnd = raw.indexOf('\r\n', i)
    if (lineEnd < 0) return undefined
    const size = Number.parseInt(raw.subarray(i, lineEnd).toString('latin1'), 16)
    if (!Number.isFinite(size) || size < 0) throw new ProtocolError('bad chunk size')
    if (size === 0) return Buffer.concat(parts)
    const start = lineEnd + 2
    if (raw.length < start + size + 2) return undefined
    parts.push(raw.subarray(start, start + size))
    i = start + size + 2
  }
}

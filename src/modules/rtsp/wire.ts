import type { Connection } from '../../core/connection.js'
import { ProtocolError } from '../../core/scan-status.js'
import { findHeader, splitHead } from '../../lib/http-head.js'

/** An RTSP/1.0 response (RFC 2326 §7): HTTP-shaped, with a CSeq. */
export interface RtspResponse {
  status_code: number
  status_line: string
  headers: [string, string][]
  body: Buffer
  /** Bytes the response took. */
  length: number
}

const MAX_HEADERS = 100
/** A description larger than this is cut: we keep what identifies the stream, not the stream. */
const MAX_BODY = 16 * 1024

/** Parses one complete response; undefined while incomplete. Throws ProtocolError on another protocol. */
export function parseResponse(data: Buffer): RtspResponse | undefined {
  const prefix = data.subarray(0, 5).toString('latin1')
  if (prefix.length > 0 && !'RTSP/'.startsWith(prefix.slice(0, Math.min(prefix.length, 5)))) {
    throw new ProtocolError(
      `not an RTSP response: ${JSON.stringify(data.subarray(0, 40).toString('latin1'))}`,
    )
  }
  const parts = splitHead(data, MAX_HEADERS)
  if (!parts) return undefined
  const { statusLine, headers, bodyStart } = parts
  const m = /^RTSP\/\d\.\d\s+(\d{3})(?:\s.*)?$/.exec(statusLine)
  if (!m) throw new ProtocolError(`not an RTSP status line: ${JSON.stringify(statusLine.slice(0, 80))}`)
  const declared = Number(findHeader(headers, 'content-length') ?? 0)
  const wanted = Number.isFinite(declared) && declared > 0 ? Math.min(declared, MAX_BODY) : 0
  if (data.length - bodyStart < wanted) return undefined
  return {
    status_code: Number(m[1]),
    status_line: statusLine,
    headers,
    body: data.subarray(bodyStart, bodyStart + wanted),
    // a cut body still ends this response: the rest of it is never read as the next one
    length: bodyStart + Math.max(declared, wanted),
  }
}

export interface SdpSummary {
  /** `s=` session name (cameras often put their model here). */
  session?: string
  /** One entry per `m=` line: `video H264`, `audio PCMU`. */
  media: string[]
}

/** What an SDP stream description says about the stream, never its addresses. */
export function summarizeSdp(sdp: string): SdpSummary {
  const out: SdpSummary = { media: [] }
  let current: string | undefined
  for (const raw of sdp.split(/\r?\n/).slice(0, 500)) {
    const line = raw.trim()
    if (line.startsWith('s=') && out.session === undefined) out.session = line.slice(2, 130)
    if (line.startsWith('m=')) {
      if (current) out.media.push(current)
      current = line.slice(2).split(' ')[0] ?? ''
    }
    const rtp = /^a=rtpmap:\d+\s+([\w.-]+)/.exec(line)
    if (rtp && current && !current.includes(' ')) current = `${current} ${rtp[1]}`
  }
  if (current) out.media.push(current)
  out.media = out.media.slice(0, 16)
  return out
}

/** The next complete response on the connection after `offset` bytes already consumed. */
export async function readResponse(conn: Connection, offset: number): Promise<RtspResponse> {
  let response: RtspResponse | undefined
  await conn.readUntil(() => {
    response = parseResponse(conn.received.subarray(offset))
    return response !== undefined
  })
  if (!response) throw new Error('connection closed before a complete RTSP response')
  return response
}

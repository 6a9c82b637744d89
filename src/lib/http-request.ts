import type { Connection } from '../core/connection.js'
import { completeBody, type HttpHead, parseHead } from './http-head.js'

export interface HttpRequest {
  method: 'GET' | 'POST'
  path: string
  /** `Host` header value (the target's address and port). */
  host: string
  headers?: Record<string, string>
  body?: string
}

export interface HttpExchange {
  head: HttpHead
  /** The body as far as it came (complete unless the peer stalled, closed early or hit the byte limit). */
  body: Buffer
}

/**
 * One HTTP/1.1 request with `Connection: close` on a framework connection, for modules that speak
 * HTTP as a carrier (UPnP descriptions, TR-069, ONVIF, favicon). Throws on a non-HTTP reply.
 */
export async function httpRequest(conn: Connection, req: HttpRequest): Promise<HttpExchange> {
  const headers = {
    'User-Agent': 'Mozilla/5.0 (compatible; mamori/0.1)',
    Accept: '*/*',
    ...req.headers,
    ...(req.body !== undefined ? { 'Content-Length': String(Buffer.byteLength(req.body)) } : {}),
    Connection: 'close',
  }
  const lines = Object.entries(headers).map(([n, v]) => `${n}: ${v}\r\n`)
  await conn.write(
    `${req.method} ${req.path} HTTP/1.1\r\nHost: ${req.host}\r\n${lines.join('')}\r\n${req.body ?? ''}`,
  )
  const start = conn.received.length
  let head: HttpHead | undefined
  await conn.readUntil(() => {
    head = parseHead(conn.received.subarray(start))
    return head !== undefined
  })
  if (!head) throw new Error('connection closed before the response headers')
  const parsed = head
  let body: Buffer | undefined
  try {
    await conn.readUntil(() => {
      body = completeBody(parsed, conn.received.subarray(start), false)
      return body !== undefined
    })
  } catch {
    // a body that never completes still has the bytes that came
  }
  const raw = conn.received.subarray(start)
  body ??= completeBody(parsed, raw, true) ?? raw.subarray(parsed.bodyStart)
  return { head: parsed, body }
}

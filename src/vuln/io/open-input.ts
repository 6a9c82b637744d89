import { createReadStream } from 'node:fs'
import { Readable } from 'node:stream'
import { createGunzip } from 'node:zlib'
import { MamoriError } from '../../core/errors.js'

/** An input opened for streaming: its first bytes (decompressed) for format detection, then all of it. */
export interface OpenedInput {
  name: string
  head: Buffer
  chunks: AsyncIterable<Buffer>
}

const HEAD_BYTES = 64 * 1024

/**
 * Opens a file or an http(s) URL as a byte stream, gunzipping when the content starts with the
 * gzip magic (whatever the name says). Reads ahead only the first 64 KiB.
 */
export async function openInput(name: string, fetchImpl: typeof fetch = fetch): Promise<OpenedInput> {
  let raw: AsyncIterable<Buffer>
  if (/^https?:\/\//i.test(name)) {
    let res: Response
    try {
      res = await fetchImpl(name)
    } catch (err) {
      throw new MamoriError('ERR_IO', `${name}: ${(err as Error).message}`, { cause: err })
    }
    if (!res.ok || !res.body) throw new MamoriError('ERR_IO', `${name}: HTTP ${res.status}`)
    raw = Readable.fromWeb(res.body as import('node:stream/web').ReadableStream<Uint8Array>)
  } else {
    raw = createReadStream(name, { highWaterMark: 1 << 20 })
  }
  const it = raw[Symbol.asyncIterator]()
  const first: Buffer[] = []
  let firstLen = 0
  let done = false
  try {
    while (firstLen < 2) {
      const r = await it.next()
      if (r.done) {
        done = true
        break
      }
      first.push(Buffer.from(r.value))
      firstLen += r.value.length
    }
  } catch (err) {
    throw new MamoriError('ERR_IO', `${name}: ${(err as Error).message}`, { cause: err })
  }
  const prefix = Buffer.concat(first)
  const rest = async function* (): AsyncGenerator<Buffer> {
    if (prefix.length) yield prefix
    if (done) return
    for (;;) {
      const r = await it.next()
      if (r.done) return
      yield Buffer.from(r.value)
    }
  }
  let body: AsyncIterable<Buffer> = rest()
  if (prefix[0] === 0x1f && prefix[1] === 0x8b) body = Readable.from(body).pipe(createGunzip())
  return peekHead(name, body)
}

async function peekHead(name: string, body: AsyncIterable<Buffer>): Promise<OpenedInput> {
  const it = body[Symbol.asyncIterator]()
  const head: Buffer[] = []
  let len = 0
  let done = false
  try {
    while (len < HEAD_BYTES) {
      const r = await it.next()
      if (r.done) {
        done = true
        break
      }
      head.push(r.value)
      len += r.value.length
    }
  } catch (err) {
    throw new MamoriError('ERR_VULN_IMPORT', `${name}: cannot read: ${(err as Error).message}`, {
      cause: err,
    })
  }
  const buffered = Buffer.concat(head)
  const chunks = (async function* () {
    if (buffered.length) yield buffered
    if (done) return
    for (;;) {
      const r = await it.next()
      if (r.done) return
      yield r.value as Buffer
    }
  })()
  return { name, head: buffered.subarray(0, HEAD_BYTES), chunks }
}

import { createReadStream } from 'node:fs'

/**
 * A file's bytes as a stream that throws once more than `maxBytes` have come: a list or scope
 * file named `/dev/zero`, a FIFO or a 100 GB file costs at most that much, however it is read.
 */
export async function* boundedFile(path: string, maxBytes: number): AsyncGenerator<Buffer> {
  let total = 0
  for await (const chunk of createReadStream(path, { highWaterMark: 64 * 1024 })) {
    total += (chunk as Buffer).length
    if (total > maxBytes) throw new Error(`larger than ${maxBytes} bytes`)
    yield chunk as Buffer
  }
}

/** The whole of a small file, read through boundedFile. */
export async function readBoundedFile(path: string, maxBytes: number): Promise<Buffer> {
  const parts: Buffer[] = []
  for await (const chunk of boundedFile(path, maxBytes)) parts.push(chunk)
  return Buffer.concat(parts)
}

/** One line of a stream; `tooLong` lines carry no text. */
export interface Line {
  line: number
  text: string
  tooLong: boolean
}

/**
 * Splits a byte stream into numbered lines (LF or CRLF) without ever holding more than
 * `maxLineBytes` of one. A line is reported `tooLong` as soon as it passes the limit, not at its
 * end (which may never come), then skipped to its end.
 */
export async function* readLines(
  input: AsyncIterable<Buffer | string>,
  maxLineBytes: number,
): AsyncGenerator<Line> {
  let parts: Buffer[] = []
  let size = 0
  let skipping = false
  let line = 0
  for await (const chunk of input) {
    let buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk
    for (;;) {
      const nl = buf.indexOf(0x0a)
      const piece = nl === -1 ? buf : buf.subarray(0, nl)
      if (!skipping) {
        if (size + piece.length > maxLineBytes) {
          skipping = true
          parts = []
          yield { line: line + 1, text: '', tooLong: true }
        } else {
          parts.push(piece)
          size += piece.length
        }
      }
      if (nl === -1) break
      line++
      if (!skipping)
        yield { line, text: Buffer.concat(parts).toString('utf8').replace(/\r$/, ''), tooLong: false }
      parts = []
      size = 0
      skipping = false
      buf = buf.subarray(nl + 1)
    }
  }
  if (size > 0 && !skipping)
    yield { line: line + 1, text: Buffer.concat(parts).toString('utf8'), tooLong: false }
}

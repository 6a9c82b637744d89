import type { Readable } from 'node:stream'
import { type ScanRecord, scanRecordSchema } from '../core/record.js'
import type { Store } from './store.js'

/** Lines longer than this are refused unread (a record with a 64 KiB banner fits easily). */
export const MAX_LINE_BYTES = 1024 * 1024
const BATCH = 5000
/** Bad lines reported one by one; past this only counted, so a wrong file cannot exhaust memory. */
const MAX_BAD_DETAILS = 1000

interface BadLine {
  line: number
  error: string
}

export interface ImportReport {
  lines: number
  stored: number
  duplicates: number
  badCount: number
  bad: BadLine[]
}

/**
 * Loads JSON-lines scan records into the store. Every bad line (not JSON, not a record, too long) is
 * reported with its line number and skipped; good lines are stored in batches; a record already in
 * the store (same service and scan) is not stored twice.
 */
export async function importJsonl(store: Store, input: Readable): Promise<ImportReport> {
  const report: ImportReport = { lines: 0, stored: 0, duplicates: 0, badCount: 0, bad: [] }
  let batch: ScanRecord[] = []
  const flush = async () => {
    if (batch.length === 0) return
    const r = await store.ingest(batch)
    report.stored += r.stored
    report.duplicates += r.duplicates
    batch = []
  }
  const bad = (line: number, error: string) => {
    report.badCount++
    if (report.bad.length < MAX_BAD_DETAILS) report.bad.push({ line, error })
  }

  for await (const { line, text, tooLong } of lines(input)) {
    report.lines = line
    if (tooLong) {
      bad(line, `line is longer than ${MAX_LINE_BYTES} bytes`)
      continue
    }
    if (text.trim() === '') continue
    let value: unknown
    try {
      value = JSON.parse(line === 1 ? text.replace(/^\uFEFF/, '') : text)
    } catch (err) {
      bad(line, `not JSON (${(err as Error).message})`)
      continue
    }
    const parsed = scanRecordSchema.safeParse(value)
    if (!parsed.success) {
      const issue = parsed.error.issues[0]
      bad(line, `not a scan record: ${issue?.path.join('.') || '(root)'}: ${issue?.message}`)
      continue
    }
    batch.push(parsed.data)
    if (batch.length >= BATCH) await flush()
  }
  await flush()
  return report
}

/** Splits a byte stream into numbered lines without ever holding more than MAX_LINE_BYTES of one. */
async function* lines(input: Readable): AsyncGenerator<{ line: number; text: string; tooLong: boolean }> {
  let parts: Buffer[] = []
  let size = 0
  let tooLong = false
  let line = 0
  for await (const chunk of input) {
    let buf = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer)
    for (;;) {
      const nl = buf.indexOf(0x0a)
      const piece = nl === -1 ? buf : buf.subarray(0, nl)
      if (!tooLong) {
        if (size + piece.length > MAX_LINE_BYTES) {
          tooLong = true
          parts = []
        } else {
          parts.push(piece)
          size += piece.length
        }
      }
      if (nl === -1) break
      line++
      yield { line, text: tooLong ? '' : Buffer.concat(parts).toString('utf8').replace(/\r$/, ''), tooLong }
      parts = []
      size = 0
      tooLong = false
      buf = buf.subarray(nl + 1)
    }
  }
  if (size > 0 || tooLong) {
    line++
    yield { line, text: tooLong ? '' : Buffer.concat(parts).toString('utf8'), tooLong }
  }
}

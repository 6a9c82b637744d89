import type { Readable } from 'node:stream'
import { readLines } from '../core/bounded-input.js'
import { type ScanRecord, scanRecordSchema } from '../core/record.js'
import type { Store } from './store.js'

/** Lines longer than this are refused unread (a record with a 64 KiB banner fits easily). */
export const MAX_LINE_BYTES = 1024 * 1024
/** Arrays and objects open at once in a record; a real one nests under 10. */
const MAX_RECORD_DEPTH = 64
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
 * Loads JSON-lines scan records into the store. Every bad line (too long, too deeply nested, not
 * JSON, not a record) is reported with its line number and skipped; good lines are stored in
 * batches; a record already in the store (same service and scan) is not stored twice.
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

  for await (const { line, text, tooLong } of readLines(input, MAX_LINE_BYTES)) {
    report.lines = line
    if (tooLong) {
      bad(line, `line is longer than ${MAX_LINE_BYTES} bytes`)
      continue
    }
    if (text.trim() === '') continue
    if (nestedDeeperThan(text, MAX_RECORD_DEPTH)) {
      bad(line, `too deeply nested (more than ${MAX_RECORD_DEPTH} levels of arrays and objects)`)
      continue
    }
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

/**
 * Whether a JSON text opens more than `max` arrays and objects at once (strings skipped): such a
 * record would overflow the stack of every recursive walk after JSON.parse (schema, row encoder).
 */
function nestedDeeperThan(text: string, max: number): boolean {
  let depth = 0
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c === 0x22) {
      // skip the string: to the next quote not escaped by an odd run of backslashes
      for (i++; i < text.length; i++) {
        const d = text.charCodeAt(i)
        if (d === 0x5c) i++
        else if (d === 0x22) break
      }
    } else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) return true
    } else if (c === 0x7d || c === 0x5d) depth--
  }
  return false
}

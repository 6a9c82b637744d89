import { isMamoriError } from '../../core/errors.js'
import type { VulnDb } from '../db/vuln-db.js'
import { detectFormat, type VulnFormat } from '../io/detect-format.js'
import { readJsonRecordBatches } from '../io/json-record-reader.js'
import { openInput } from '../io/open-input.js'
import { readXmlRecords } from '../io/xml-record-reader.js'
import type { KevEntry, VulnRecord } from '../model.js'
import { fromCsaf } from '../sources/csaf-document.js'
import { fromCve5 } from '../sources/cve5-record.js'
import { fromJvnRss, fromJvnVuldef } from '../sources/jvn-record.js'
import { fromKev } from '../sources/kev-entry.js'
import { fromNvd11, fromNvd20 } from '../sources/nvd-record.js'
import { isObject, type Json, obj, RecordRejected } from '../sources/record-fields.js'

/** Arrays and objects open at once in a JSON feed; real feeds nest about 15. */
const MAX_DEPTH = 64
/**
 * One JVN `<Vulinfo>`/`<item>` element at most (real ones are under 8 KiB): an XML element is
 * held as one string while it is cut out, so its cap is far below the JSON record's 64 MiB.
 */
const MAX_XML_ELEMENT_CHARS = 4 * 1024 * 1024

/** One record or file that could not be imported, with where it was. */
interface ImportProblem {
  file: string
  /** `record 12 at byte 34567` or `file` */
  position: string
  id?: string
  message: string
}

export interface ImportSummary {
  /** Per input: its format, the records imported, and `failed` when it was rolled back. */
  files: Array<{ name: string; format?: VulnFormat; records: number; failed?: true }>
  imported: number
  updated: number
  unchanged: number
  rejected: number
  kev: { imported: number; updated: number; unchanged: number }
  /** The first problems (all are counted in `rejected`). */
  problems: ImportProblem[]
  /** Files that could not be read at all. */
  failedFiles: number
}

export interface ImportOptions {
  /** Records per transaction. */
  batchSize?: number
  maxRecordBytes?: number
  maxProblems?: number
  onProblem?: (p: ImportProblem) => void
  fetchImpl?: typeof fetch
}

/** A unit the readers hand over: one raw record (or why it is refused) and its position. */
type Raw =
  | { ok: true; value: unknown; pos: string; invalidUtf8?: true }
  | { ok: false; pos: string; message: string }

function normaliser(format: VulnFormat): (v: Json) => VulnRecord[] | KevEntry {
  switch (format) {
    case 'nvd-1.1-feed':
      return (v) => [fromNvd11(v)]
    case 'nvd-2.0-response':
      return (v) => [fromNvd20(obj(v.cve))]
    case 'nvd-2.0-cve':
      return (v) => [fromNvd20(v)]
    case 'cve5-record':
    case 'cve5-bundle':
      return (v) => [fromCve5(v)]
    case 'kev':
      return (v) => fromKev(v)
    case 'csaf':
      return (v) => fromCsaf(v)
    case 'jvn-vuldef':
      return (v) => fromJvnVuldef(v)
    case 'jvn-rss':
      return (v) => fromJvnRss(v)
  }
}

/** Raw records in batches (one per input chunk for JSON), so the import loop awaits rarely. */
async function* rawRecords(
  format: VulnFormat,
  chunks: AsyncIterable<Buffer>,
  maxBytes: number,
): AsyncGenerator<Raw[]> {
  if (format === 'jvn-vuldef' || format === 'jvn-rss') {
    const tag = format === 'jvn-vuldef' ? 'Vulinfo' : 'item'
    for await (const r of readXmlRecords(chunks, tag, Math.min(maxBytes, MAX_XML_ELEMENT_CHARS))) {
      const pos = `record ${r.index + 1} at char ${r.offset}`
      yield [r.ok ? { ok: true, value: r.value, pos } : { ok: false, pos, message: r.message }]
    }
    return
  }
  const paths: Record<string, readonly string[] | null> = {
    'nvd-1.1-feed': ['CVE_Items'],
    'nvd-2.0-response': ['vulnerabilities'],
    'nvd-2.0-cve': null,
    'cve5-record': null,
    'cve5-bundle': [],
    kev: ['vulnerabilities'],
    csaf: null,
  }
  for await (const batch of readJsonRecordBatches(chunks, {
    path: paths[format] ?? null,
    maxRecordBytes: maxBytes,
    maxDepth: MAX_DEPTH,
  })) {
    yield batch.map((r): Raw => {
      const pos = `record ${r.index + 1} at byte ${r.offset}`
      if (!r.ok) return { ok: false, pos, message: r.message }
      return r.invalidUtf8
        ? { ok: true, value: r.value, pos, invalidUtf8: true }
        : { ok: true, value: r.value, pos }
    })
  }
}

/** One file's outcome, kept apart until its transaction commits. */
interface FileTally {
  records: number
  imported: number
  updated: number
  unchanged: number
  kev: { imported: number; updated: number; unchanged: number }
}

/**
 * Imports files or URLs into the vulnerability database, each streamed and its format detected
 * from content. Each file is one transaction: a file that cannot be read whole as the format it
 * claims (integrity, truncation, syntax, nesting or size limits, shape) is rolled back and
 * reported as failed. A record whose values are invalid is rejected with its id, field and
 * position (`rejected`); the rest of its file is imported.
 */
export async function importInputs(
  db: VulnDb,
  inputs: readonly string[],
  opts: ImportOptions = {},
): Promise<ImportSummary> {
  const batchSize = opts.batchSize ?? 5000
  const maxBytes = opts.maxRecordBytes ?? 64 * 1024 * 1024
  const maxProblems = opts.maxProblems ?? 1000
  const summary: ImportSummary = {
    files: [],
    imported: 0,
    updated: 0,
    unchanged: 0,
    rejected: 0,
    kev: { imported: 0, updated: 0, unchanged: 0 },
    problems: [],
    failedFiles: 0,
  }
  const problem = (p: ImportProblem) => {
    if (summary.problems.length < maxProblems) summary.problems.push(p)
    opts.onProblem?.(p)
  }
  const reject = (p: ImportProblem) => {
    summary.rejected++
    problem(p)
  }

  for (const name of inputs) {
    const file: ImportSummary['files'][number] = { name, records: 0 }
    summary.files.push(file)
    const tally: FileTally = {
      records: 0,
      imported: 0,
      updated: 0,
      unchanged: 0,
      kev: { imported: 0, updated: 0, unchanged: 0 },
    }
    let rejectedHere = 0
    try {
      await db.fileTransaction(async () => {
        const input = await openInput(name, opts.fetchImpl)
        const format = detectFormat(input.head)
        if (!format) throw new Error('unknown format (not NVD 1.1/2.0, CVE 5, KEV, CSAF 2.0 or JVN)')
        file.format = format
        const normalise = normaliser(format)
        let batch: Array<VulnRecord | KevEntry> = []
        const flush = () => {
          const items = batch
          batch = []
          db.transaction(() => {
            for (const it of items) {
              if ('cveID' in it) tally.kev[db.upsertKev(it)]++
              else tally[db.upsert(it)]++
            }
          })
        }
        for await (const raws of rawRecords(format, input.chunks, maxBytes)) {
          for (const raw of raws) {
            const out = normaliseRaw(raw, normalise)
            if ('problem' in out) {
              rejectedHere++
              const p: ImportProblem = { file: name, position: raw.pos, message: out.problem }
              if (out.id) p.id = out.id
              reject(p)
              continue
            }
            batch.push(...out.items)
            tally.records++
            if (batch.length >= batchSize) flush()
          }
        }
        flush()
      })
      file.records = tally.records
      summary.imported += tally.imported
      summary.updated += tally.updated
      summary.unchanged += tally.unchanged
      for (const k of ['imported', 'updated', 'unchanged'] as const) summary.kev[k] += tally.kev[k]
    } catch (err) {
      file.failed = true
      summary.failedFiles++
      const message = isMamoriError(err) || err instanceof Error ? err.message : String(err)
      const read = tally.records + rejectedHere
      problem({
        file: name,
        position: 'file',
        message: `${describeFailure(message)}; nothing from this file was imported${read ? ` (${read} records read before it were rolled back)` : ''}`,
      })
    }
  }
  return summary
}

/** What a record becomes: the normalised items, or why it is rejected (with its id when known). */
function normaliseRaw(
  raw: Raw,
  normalise: (v: Json) => VulnRecord[] | KevEntry,
): { items: Array<VulnRecord | KevEntry> } | { problem: string; id?: string } {
  if (!raw.ok) return { problem: raw.message }
  if (!isObject(raw.value)) return { problem: 'record is not an object' }
  let items: Array<VulnRecord | KevEntry>
  try {
    const out = normalise(raw.value)
    items = Array.isArray(out) ? out : [out]
  } catch (err) {
    if (!(err instanceof RecordRejected)) throw err
    return err.recordId ? { problem: err.message, id: err.recordId } : { problem: err.message }
  }
  if (raw.invalidUtf8) {
    // JSON.parse put U+FFFD where the bytes were: name the field instead of storing a changed value
    const first = items[0]
    const id = first ? ('cveID' in first ? first.cveID : first.id) : undefined
    const problem = `invalid UTF-8 in ${replacedField(raw.value) ?? 'the record'}`
    return id ? { problem, id } : { problem }
  }
  return { items }
}

/** The path of the first string (or key) holding U+FFFD, e.g. `cve.description.description_data[0].value`. */
function replacedField(v: unknown, path = ''): string | undefined {
  if (typeof v === 'string') return v.includes('\uFFFD') ? path || '(value)' : undefined
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const hit = replacedField(v[i], `${path}[${i}]`)
      if (hit) return hit
    }
    return undefined
  }
  if (!isObject(v)) return undefined
  for (const [k, x] of Object.entries(v)) {
    const here = path ? `${path}.${k}` : k
    if (k.includes('\uFFFD')) return here
    const hit = replacedField(x, here)
    if (hit) return hit
  }
  return undefined
}

/** zlib's terse messages, said in terms of the file. */
function describeFailure(message: string): string {
  switch (message) {
    case 'unexpected end of file':
      return 'the gzip stream ends early (truncated file)'
    case 'incorrect data check':
      return 'the gzip CRC-32 check failed (corrupt file)'
    case 'incorrect header check':
      return 'bytes after a gzip member are not another gzip member (trailing garbage or corrupt file)'
    default:
      return message
  }
}

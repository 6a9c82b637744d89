import { isMamoriError } from '../../core/errors.js'
import type { UpsertOutcome, VulnDb } from '../db/vuln-db.js'
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

/** One record or file that could not be imported, with where it was. */
interface ImportProblem {
  file: string
  /** `record 12 at byte 34567` or `file` */
  position: string
  id?: string
  message: string
}

export interface ImportSummary {
  files: Array<{ name: string; format?: VulnFormat; records: number }>
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

/** A unit the readers hand over: one raw record (or a read error) and its position. */
type Raw = { ok: true; value: unknown; pos: string } | { ok: false; pos: string; message: string }

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
    for await (const r of readXmlRecords(chunks, tag, maxBytes)) {
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
  })) {
    yield batch.map((r): Raw => {
      const pos = `record ${r.index + 1} at byte ${r.offset}`
      return r.ok ? { ok: true, value: r.value, pos } : { ok: false, pos, message: r.message }
    })
  }
}

/**
 * Imports files or URLs into the vulnerability database, each streamed and its format detected
 * from content. A bad record is rejected with its id and position and the import goes on; a
 * file that cannot be read is reported and the next one is imported.
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
    summary.rejected++
    if (summary.problems.length < maxProblems) summary.problems.push(p)
    opts.onProblem?.(p)
  }
  const count = (o: UpsertOutcome, kev: boolean) => {
    if (kev) summary.kev[o]++
    else summary[o]++
  }

  for (const name of inputs) {
    const file: ImportSummary['files'][number] = { name, records: 0 }
    summary.files.push(file)
    let batch: Array<VulnRecord | KevEntry> = []
    const flush = () => {
      const items = batch
      batch = []
      db.transaction(() => {
        for (const it of items) {
          if ('cveID' in it) count(db.upsertKev(it), true)
          else count(db.upsert(it), false)
        }
      })
    }
    try {
      const input = await openInput(name, opts.fetchImpl)
      const format = detectFormat(input.head)
      if (!format) {
        summary.failedFiles++
        problem({
          file: name,
          position: 'file',
          message: 'unknown format (not NVD 1.1/2.0, CVE 5, KEV, CSAF 2.0 or JVN)',
        })
        continue
      }
      file.format = format
      const normalise = normaliser(format)
      for await (const raws of rawRecords(format, input.chunks, maxBytes)) {
        for (const raw of raws) {
          if (!raw.ok) {
            problem({ file: name, position: raw.pos, message: raw.message })
            continue
          }
          if (!isObject(raw.value)) {
            problem({ file: name, position: raw.pos, message: 'record is not an object' })
            continue
          }
          try {
            const out = normalise(raw.value)
            if (Array.isArray(out)) batch.push(...out)
            else batch.push(out)
            file.records++
          } catch (err) {
            if (!(err instanceof RecordRejected)) throw err
            const p: ImportProblem = { file: name, position: raw.pos, message: err.message }
            if (err.recordId) p.id = err.recordId
            problem(p)
          }
          if (batch.length >= batchSize) flush()
        }
      }
      flush()
    } catch (err) {
      if (batch.length) flush()
      summary.failedFiles++
      const message = isMamoriError(err) || err instanceof Error ? err.message : String(err)
      problem({ file: name, position: 'file', message })
    }
  }
  return summary
}

import { mkdir, rename, writeFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import { z } from 'zod'
import { readBoundedFile } from '../core/bounded-input.js'
import { MamoriError } from '../core/errors.js'

/** A state file holds positions above the watermark: far below this even for huge scans. */
const MAX_STATE_BYTES = 64 * 1024 * 1024

/**
 * Every option that shapes a scan's traffic or output, kept so that a resumed scan sends and writes
 * exactly as the interrupted one would have (its rate, its audit, its files).
 */
const scanSettingsSchema = z.strictObject({
  rate: z.number().int().positive(),
  timeout_ms: z.number().int().positive(),
  retries: z.number().int().nonnegative(),
  max_inflight: z.number().int().positive(),
  per_host: z.number().int().positive(),
  engine: z.enum(['auto', 'js', 'native']),
  threads: z.number().int().positive().nullable(),
  grab_concurrency: z.number().int().positive(),
  audit_log: z.string(),
  out: z.string().nullable(),
  json: z.boolean(),
  /** `true`: the default store ($MAMORI_DB or ./mamori.db) */
  db: z.union([z.string(), z.literal(true)]).nullable(),
  audit: z
    .strictObject({
      budget: z.number().int().positive().nullable(),
      max_attempts: z.number().int().positive().nullable(),
      pause_ms: z.number().int().nonnegative().nullable(),
      reveal: z.boolean(),
    })
    .nullable(),
})
export type ScanSettings = z.infer<typeof scanSettingsSchema>

/** What an interrupted scan writes so `--resume` can finish it without repeats or gaps. */
const resumeStateSchema = z.strictObject({
  version: z.literal(2),
  scan_id: z.string(),
  /** The scan's arguments: a resumed scan runs exactly the same space. */
  targets: z.array(z.string()),
  ports: z.string(),
  exclude: z.array(z.string()),
  scope_file: z.string().nullable(),
  /** SHA-256 of the scope file as it was: a changed scope refuses the resume. */
  scope_file_hash: z.string().nullable(),
  dns_servers: z.array(z.string()).default([]),
  seed: z.number().int().nonnegative(),
  shard: z.string(),
  /** Fingerprint of the resolved space (addresses, ports, seed, shard): guards against drift. */
  space_hash: z.string(),
  /** Lowest cycle position not finished. */
  watermark: z.number().int().nonnegative(),
  /** Finished positions above the watermark. */
  done_above: z.array(z.number().int().nonnegative()),
  /** Services grabbed but not finished (an audit the interrupt cut short): done again by the resumed run. */
  unfinished: z.array(z.string()).default([]),
  settings: scanSettingsSchema,
})

export type ResumeState = z.infer<typeof resumeStateSchema>

export async function readResumeState(path: string): Promise<ResumeState> {
  let doc: unknown
  try {
    doc = JSON.parse((await readBoundedFile(path, MAX_STATE_BYTES)).toString('utf8'))
  } catch (err) {
    throw new MamoriError('ERR_RESUME', `cannot read resume state ${path}: ${(err as Error).message}`)
  }
  if ((doc as { version?: unknown } | null)?.version === 1)
    throw new MamoriError(
      'ERR_RESUME',
      `resume state ${path} was written by an older mamori that did not keep the scan's options; start the scan again`,
    )
  const parsed = resumeStateSchema.safeParse(doc)
  if (!parsed.success) {
    const why = parsed.error.issues
      .map((i) => `${i.path.join('.') || '(top level)'}: ${i.message}`)
      .join('; ')
    throw new MamoriError('ERR_RESUME', `resume state ${path} is invalid: ${why}`)
  }
  return parsed.data
}

/** Writes atomically (temp file + rename), so a crash mid-write leaves the previous state. */
export async function writeResumeState(path: string, state: ResumeState): Promise<void> {
  await mkdir(dirname(path), { recursive: true })
  const tmp = `${path}.tmp-${process.pid}`
  await writeFile(tmp, `${JSON.stringify(state)}\n`)
  await rename(tmp, path)
}

import { mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import { z } from 'zod'
import { MamoriError } from '../core/errors.js'

/** What an interrupted scan writes so `--resume` can finish it without repeats or gaps. */
const resumeStateSchema = z.strictObject({
  version: z.literal(1),
  scan_id: z.string(),
  /** The scan's arguments: a resumed scan runs exactly the same space. */
  targets: z.array(z.string()),
  ports: z.string(),
  exclude: z.array(z.string()),
  scope_file: z.string().nullable(),
  dns_servers: z.array(z.string()).default([]),
  seed: z.number().int().nonnegative(),
  shard: z.string(),
  /** Fingerprint of the resolved space (addresses, ports, seed, shard): guards against drift. */
  space_hash: z.string(),
  /** Lowest cycle position not finished. */
  watermark: z.number().int().nonnegative(),
  /** Finished positions above the watermark. */
  done_above: z.array(z.number().int().nonnegative()),
})

export type ResumeState = z.infer<typeof resumeStateSchema>

export async function readResumeState(path: string): Promise<ResumeState> {
  let doc: unknown
  try {
    doc = JSON.parse(await readFile(path, 'utf8'))
  } catch (err) {
    throw new MamoriError('ERR_RESUME', `cannot read resume state ${path}: ${(err as Error).message}`)
  }
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

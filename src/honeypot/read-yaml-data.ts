import { readFileSync } from 'node:fs'
import { parse } from 'yaml'
import type { z } from 'zod'
import { type ErrorCode, MamoriError } from '../core/errors.js'

/**
 * Reads a YAML data file and checks it against `schema`. A file that cannot be read or parsed is
 * `unreadable` (ERR_USAGE for a file the user named, ERR_DATA_INVALID for a shipped one); a file that
 * does not fit the schema is ERR_DATA_INVALID listing every problem with its path.
 */
export function readYamlData<T>(
  file: string,
  schema: z.ZodType<T>,
  what: string,
  unreadable: ErrorCode = 'ERR_DATA_INVALID',
): T {
  let raw: unknown
  try {
    raw = parse(readFileSync(file, 'utf8'))
  } catch (err) {
    throw new MamoriError(unreadable, `cannot read ${what} ${file}: ${(err as Error).message}`)
  }
  const parsed = schema.safeParse(raw)
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')
    throw new MamoriError('ERR_DATA_INVALID', `invalid ${what} ${file}: ${problems}`)
  }
  return parsed.data
}

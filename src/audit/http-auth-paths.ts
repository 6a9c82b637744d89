import { readFileSync } from 'node:fs'
import YAML from 'yaml'
import { z } from 'zod'
import { MamoriError } from '../core/errors.js'
import { dataPath } from '../core/paths.js'
import { normalizeVendor } from './dictionaries.js'

const schema = z.object({
  vendors: z.array(
    z.object({
      vendor: z.string(),
      aliases: z.array(z.string().min(1)).min(1),
      paths: z.array(z.string().startsWith('/')).min(1),
      source: z.string().min(1),
    }),
  ),
})

let table: { aliases: string[]; paths: string[] }[] | undefined

function load(
  file = dataPath('credentials', 'http-auth-paths.yaml'),
): { aliases: string[]; paths: string[] }[] {
  if (!table) {
    const parsed = schema.safeParse(YAML.parse(readFileSync(file, 'utf8')))
    if (!parsed.success)
      throw new MamoriError('ERR_DATA_INVALID', `${file}: ${parsed.error.issues[0]?.message}`)
    table = parsed.data.vendors.map((v) => ({ aliases: v.aliases.map(normalizeVendor), paths: v.paths }))
  }
  return table
}

/** Paths known to ask for HTTP credentials on this vendor's devices (`data/credentials/http-auth-paths.yaml`). */
export function httpAuthPaths(vendor: string | undefined): string[] {
  if (!vendor) return []
  const name = normalizeVendor(vendor)
  return (
    load().find((v) => v.aliases.some((a) => a === name || (a.length >= 4 && name.startsWith(a))))?.paths ??
    []
  )
}

/** Every known path, for a device whose vendor was not identified. */
export function allHttpAuthPaths(): string[] {
  return load().flatMap((v) => v.paths)
}

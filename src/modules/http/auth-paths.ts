import { readFileSync } from 'node:fs'
import YAML from 'yaml'
import { z } from 'zod'
import { MamoriError } from '../../core/errors.js'
import { dataPath } from '../../core/paths.js'
import { normalizeVendor, vendorMatches } from '../../lib/vendor-name.js'

/** A vendor API path that asks for HTTP credentials, and what its own answer looks like. */
export interface HttpAuthPath {
  path: string
  /** Matches the body the API returns when it answers (proof that it answered without auth). */
  answers: RegExp
}

const schema = z.object({
  vendors: z.array(
    z.object({
      vendor: z.string(),
      aliases: z.array(z.string().min(1)).min(1),
      paths: z.array(z.object({ path: z.string().startsWith('/'), answers: z.string().min(1) })).min(1),
      source: z.string().min(1),
    }),
  ),
})

let table: { aliases: string[]; paths: HttpAuthPath[] }[] | undefined

function load(
  file = dataPath('credentials', 'http-auth-paths.yaml'),
): { aliases: string[]; paths: HttpAuthPath[] }[] {
  if (!table) {
    const parsed = schema.safeParse(YAML.parse(readFileSync(file, 'utf8')))
    if (!parsed.success)
      throw new MamoriError('ERR_DATA_INVALID', `${file}: ${parsed.error.issues[0]?.message}`)
    table = parsed.data.vendors.map((v) => ({
      aliases: v.aliases.map(normalizeVendor),
      paths: v.paths.map((p) => {
        try {
          return { path: p.path, answers: new RegExp(p.answers, 'im') }
        } catch (err) {
          throw new MamoriError(
            'ERR_DATA_INVALID',
            `${file}: ${v.vendor} ${p.path}: ${(err as Error).message}`,
          )
        }
      }),
    }))
  }
  return table
}

/** Paths known to ask for HTTP credentials on this vendor's devices (`data/credentials/http-auth-paths.yaml`). */
export function httpAuthPaths(vendor: string | undefined): HttpAuthPath[] {
  if (!vendor) return []
  return load().find((v) => vendorMatches(v.aliases, vendor))?.paths ?? []
}

/** Every known path, for a device whose vendor was not identified. */
export function allHttpAuthPaths(): HttpAuthPath[] {
  return load().flatMap((v) => v.paths)
}

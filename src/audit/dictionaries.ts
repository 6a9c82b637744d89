import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import YAML from 'yaml'
import { z } from 'zod'
import type { Credential } from '../core/credential.js'
import { MamoriError } from '../core/errors.js'
import { dataPath } from '../core/paths.js'
import { normalizeVendor } from '../lib/vendor-name.js'
import { builtinModules } from '../modules/index.js'

const ID = /^[a-z0-9]+(?:-[a-z0-9]+)*$/
/** What an entry's `protocols` may name: the registered modules that carry a login. */
const PROTOCOLS = builtinModules.filter((m) => m.login !== undefined).map((m) => m.name) as [
  string,
  ...string[],
]

const entrySchema = z.object({
  id: z.string().regex(ID, 'ids are kebab-case'),
  username: z.string().max(128),
  password: z.string().max(128),
  source: z.string().min(1),
  protocols: z.array(z.enum(PROTOCOLS)).min(1).optional(),
  weight: z.number().int().positive().optional(),
})
const listSchema = z.object({ entries: z.array(entrySchema) })
/** One vendor's file, `vendors/<vendor>.yaml` (data/credentials/vendors/README.md). */
const vendorSchema = z.object({
  vendor: z.string().regex(ID),
  /** Order among the other vendors' defaults (1 first). */
  rank: z.number().int().positive(),
  aliases: z.array(z.string().min(1)).min(1),
  entries: z.array(entrySchema),
})
const VENDORS_DIR = 'vendors'

/** A dictionary entry as loaded (the Mirai table keeps its selection weight). */
type DictionaryEntry = Credential & { weight?: number }

interface VendorDefaults {
  vendor: string
  /** Normalised names a fingerprint vendor may carry for this vendor. */
  aliases: string[]
  entries: DictionaryEntry[]
}

/** mamori's credential knowledge: the Mirai table, vendor defaults and the ranked common list. */
export interface Dictionaries {
  mirai: DictionaryEntry[]
  vendors: VendorDefaults[]
  common: DictionaryEntry[]
}

/**
 * Loads and checks the dictionaries in `dir` (default `data/credentials/`: mirai.yaml, common.yaml and
 * one file per vendor in vendors/): schema, unique ids across all files, one rank per vendor. Every problem is reported at once, with file and id.
 */
export function loadDictionaries(dir = dataPath('credentials')): Dictionaries {
  const problems: string[] = []
  const read = <T>(file: string, schema: z.ZodType<T>): T | undefined => {
    let raw: unknown
    try {
      raw = YAML.parse(readFileSync(join(dir, file), 'utf8'))
    } catch (err) {
      problems.push(`${file}: ${(err as Error).message}`)
      return undefined
    }
    const parsed = schema.safeParse(raw)
    if (!parsed.success) {
      for (const issue of parsed.error.issues.slice(0, 20))
        problems.push(`${file}: ${issue.path.join('.')}: ${issue.message}`)
      return undefined
    }
    return parsed.data
  }
  const mirai = read('mirai.yaml', listSchema)?.entries ?? []
  const common = read('common.yaml', listSchema)?.entries ?? []
  const vendors = readVendors(dir, read, problems)
  const seen = new Map<string, string>()
  const note = (file: string, id: string) => {
    const other = seen.get(id)
    if (other) problems.push(`${file}: duplicate id ${id} (also in ${other})`)
    else seen.set(id, file)
  }
  for (const e of mirai) note('mirai.yaml', e.id)
  for (const e of common) note('common.yaml', e.id)
  for (const v of vendors) for (const e of v.entries) note(`${VENDORS_DIR}/${v.vendor}.yaml`, e.id)
  if (problems.length > 0) {
    throw new MamoriError(
      'ERR_DATA_INVALID',
      `credential dictionaries in ${dir}:\n  ${problems.join('\n  ')}`,
    )
  }
  return { mirai, vendors, common } as Dictionaries
}

/** The vendor files, in rank order: each file is one vendor, named after it, with a rank no other file has. */
function readVendors(
  dir: string,
  read: <T>(file: string, schema: z.ZodType<T>) => T | undefined,
  problems: string[],
): VendorDefaults[] {
  let files: string[]
  try {
    files = readdirSync(join(dir, VENDORS_DIR)).filter((f) => f.endsWith('.yaml'))
  } catch (err) {
    problems.push(`${VENDORS_DIR}/: ${(err as Error).message}`)
    return []
  }
  const ranks = new Map<number, string>()
  const vendors: (VendorDefaults & { rank: number })[] = []
  for (const file of files.sort()) {
    const path = `${VENDORS_DIR}/${file}`
    const v = read(path, vendorSchema)
    if (!v) continue
    if (`${v.vendor}.yaml` !== file) problems.push(`${path}: vendor ${v.vendor} belongs in ${v.vendor}.yaml`)
    const other = ranks.get(v.rank)
    if (other) problems.push(`${path}: rank ${v.rank} is also ${other}'s`)
    ranks.set(v.rank, path)
    vendors.push({
      vendor: v.vendor,
      rank: v.rank,
      aliases: v.aliases.map(normalizeVendor),
      entries: v.entries,
    })
  }
  return vendors.sort((a, b) => a.rank - b.rank).map(({ rank: _rank, ...v }) => v)
}

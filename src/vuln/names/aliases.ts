import { readFileSync } from 'node:fs'
import { parse } from 'yaml'
import { z } from 'zod'
import { MamoriError } from '../../core/errors.js'
import { dataPath } from '../../core/paths.js'

const AliasFile = z.object({
  vendors: z.record(z.string(), z.string()),
  products: z.array(
    z.object({
      cpe: z.string().regex(/^[aoh]:[^:]+:[^:]+$/, 'cpe must be part:vendor:product'),
      names: z.array(z.string()).min(1),
      vendors: z.array(z.string()).optional(),
    }),
  ),
})

/** One NVD product that fingerprint names map to. */
export interface ProductAlias {
  part: string
  vendor: string
  product: string
}

export interface AliasTable {
  vendors: Map<string, string>
  /** key `name` or `vendor/name` (fingerprint names, normalised) → NVD product. */
  products: Map<string, ProductAlias>
}

/** Lower case, trimmed, runs of white space as "_": how CPE names spell vendors and products. */
function normalizeName(name: string): string {
  return name.trim().toLowerCase().replace(/\s+/g, '_')
}

/** Parses an alias file's text; throws ERR_DATA_INVALID naming the file and the problem. */
export function parseAliases(text: string, file: string): AliasTable {
  const parsed = AliasFile.safeParse(parse(text))
  if (!parsed.success) {
    throw new MamoriError(
      'ERR_DATA_INVALID',
      `${file}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    )
  }
  const vendors = new Map<string, string>()
  for (const [k, v] of Object.entries(parsed.data.vendors)) vendors.set(normalizeName(k), normalizeName(v))
  const products = new Map<string, ProductAlias>()
  for (const p of parsed.data.products) {
    const [part, vendor, product] = p.cpe.split(':') as [string, string, string]
    const target = { part, vendor, product }
    for (const n of p.names) {
      const keys = p.vendors
        ? p.vendors.map((v) => `${normalizeName(v)}/${normalizeName(n)}`)
        : [normalizeName(n)]
      for (const k of keys) {
        if (products.has(k))
          throw new MamoriError('ERR_DATA_INVALID', `${file}: product name "${k}" listed twice`)
        products.set(k, target)
      }
    }
  }
  return { vendors, products }
}

let table: AliasTable | undefined
/** The shipped table, data/vuln/aliases.yaml, loaded once. */
export function aliasTable(): AliasTable {
  if (!table) {
    const file = dataPath('vuln', 'aliases.yaml')
    table = parseAliases(readFileSync(file, 'utf8'), file)
  }
  return table
}

/** NVD vendor name for a fingerprint or advisory vendor name (`D-Link` → `dlink`). */
export function canonicalVendor(name: string): string {
  const n = normalizeName(name)
  return aliasTable().vendors.get(n) ?? n
}

/** The NVD product a fingerprint product name stands for, if the table knows it. */
export function productAlias(vendor: string | undefined, product: string): ProductAlias | undefined {
  const t = aliasTable()
  const p = normalizeName(product)
  if (vendor !== undefined) {
    const scoped = t.products.get(`${normalizeName(vendor)}/${p}`)
    if (scoped) return scoped
  }
  return t.products.get(p)
}

/** NVD product name for a product of an (already canonical) vendor. */
export function canonicalProduct(vendor: string, product: string): string {
  const a = productAlias(vendor, product)
  return a && a.vendor === vendor ? a.product : normalizeName(product)
}

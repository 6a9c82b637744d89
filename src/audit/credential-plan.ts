import type { Credential } from '../core/credential.js'
import { normalizeVendor, vendorMatches } from '../lib/vendor-name.js'
import type { Dictionaries } from './dictionaries.js'

/** NOTICE tried ~100 pairs per device in 2019 and ~600 from 2020-10 (DOMAIN.md §2.2). */
export const DEFAULT_DEVICE_BUDGET = 100
export const MAX_DEVICE_BUDGET = 600

export interface PlanOptions {
  protocol: string
  /** The fingerprint's vendor and product, when identified. */
  vendor?: string | undefined
  product?: string | undefined
  /** How many credentials at most (default 100, at most 600). */
  budget?: number
}

/**
 * The credentials to try on one service, in NOTICE's order: the identified vendor's defaults first,
 * then the ranked common list (the Mirai table by weight leads it), then the other vendors'
 * defaults; each pair once, only entries meant for this protocol, cut to the budget.
 */
export function planCredentials(dicts: Dictionaries, options: PlanOptions): Credential[] {
  const budget = Math.min(Math.max(1, options.budget ?? DEFAULT_DEVICE_BUDGET), MAX_DEVICE_BUDGET)
  const product = options.product ? normalizeVendor(options.product) : ''
  const { vendor } = options
  const vendorEntries = vendor
    ? dicts.vendors.filter((v) => vendorMatches(v.aliases, vendor)).flatMap((v) => v.entries)
    : []
  // an entry whose source names the identified product goes before the vendor's other defaults
  const ranked = product
    ? [...vendorEntries].sort((a, b) => Number(mentions(b, product)) - Number(mentions(a, product)))
    : vendorEntries
  const plan: Credential[] = []
  const pairs = new Set<string>()
  // then every other vendor's defaults, as NOTICE's ~600 pairs go past the common list
  const others = dicts.vendors.flatMap((v) => v.entries).filter((e) => !vendorEntries.includes(e))
  for (const entry of [...ranked, ...dicts.common, ...dicts.mirai, ...others]) {
    if (plan.length >= budget) break
    if (entry.protocols && !entry.protocols.includes(options.protocol)) continue
    const key = `${entry.username}\0${entry.password}`
    if (pairs.has(key)) continue
    pairs.add(key)
    const { weight: _weight, ...credential } = entry as Credential & { weight?: number }
    plan.push(credential)
  }
  return plan
}

function mentions(entry: Credential, product: string): boolean {
  return product.length >= 3 && normalizeVendor(entry.source).includes(product)
}

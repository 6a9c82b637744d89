import type { Fingerprint } from '../core/record.js'
import { isUnresolved } from './apply-rule.js'
import { toCpe23 } from './cpe.js'
import type { Vocabulary } from './vocab.js'

const CPE_FIELDS = ['hw.cpe23', 'os.cpe23', 'service.cpe23', 'service.component.cpe23']

/**
 * The record's fingerprint from (merged) rule fields: `product` names the service's software, else
 * the device, else the OS; `version` is the version of what `product` names; `vendor` is always
 * the device's or platform's maker. Device models stay in the hw CPE and the candidates.
 */
export function toFingerprint(
  fields: Record<string, string>,
  vocab: Vocabulary,
): Omit<Fingerprint, 'cpe'> & {
  cpe: string[]
} {
  const f = (name: string) => {
    const v = fields[name]
    return v === undefined || v === '' || isUnresolved(v) ? undefined : v
  }
  const fp: Fingerprint = { cpe: [] }
  const hwProduct = f('hw.product') ?? f('hw.model')
  const serviceProduct = f('service.product')
  // the vendor is the device's maker (or its OS maker when the OS is a device's, as RouterOS is):
  // what the credential audit looks up. A general-purpose OS or software maker stays in the CPE.
  const vendor = f('hw.vendor') ?? (f('hw.device') || f('os.device') ? f('os.vendor') : undefined)
  // the product is the software answering on the port (as nmap and Shodan report it); the
  // device model when the banner names only the device
  const product = serviceProduct ?? hwProduct ?? f('os.product')
  const version = serviceProduct
    ? f('service.version')
    : hwProduct
      ? (f('hw.version') ?? f('os.version'))
      : f('os.version')
  if (vendor) fp.vendor = vendor
  if (product) fp.product = product
  if (version) fp.version = version
  const device = f('hw.device') ?? f('os.device')
  const type = device ? vocab.deviceAliases.get(device.toLowerCase()) : undefined
  if (type) fp.device_type = type
  const os = f('os.product') ?? f('os.family')
  if (os) fp.os = os
  for (const name of CPE_FIELDS) {
    const cpe = fields[name] ? toCpe23(fields[name]) : undefined
    if (cpe && !fp.cpe.includes(cpe)) fp.cpe.push(cpe)
  }
  return fp
}

const NAMESPACES = ['hw', 'os', 'service'] as const

/**
 * Adds to `into` the fields of a lower-ranked candidate that agrees with it: nothing when the
 * device vendor differs, and no field of a namespace whose product differs (a version must stay
 * with its product).
 */
export function mergeFields(into: Record<string, string>, other: Record<string, string>): void {
  const vendor = (r: Record<string, string>) => (r['hw.vendor'] ?? r['os.vendor'])?.toLowerCase()
  if (vendor(into) && vendor(other) && vendor(into) !== vendor(other)) return
  for (const ns of NAMESPACES) {
    const a = into[`${ns}.product`]
    const b = other[`${ns}.product`]
    if (a && b && a.toLowerCase() !== b.toLowerCase()) continue
    for (const [k, v] of Object.entries(other)) {
      if (k.startsWith(`${ns}.`) && into[k] === undefined && !isUnresolved(v)) into[k] = v
    }
  }
}

/**
 * How much of the identity the fields pin down, the "most specific wins" measure: one point per
 * dimension known (vendor, product, version, device type, model), however many fields a rule
 * spends on it, so verbose rules do not outrank precise ones.
 */
export function specificity(fields: Record<string, string>): number {
  const has = (...names: string[]) => names.some((n) => fields[n] && !isUnresolved(fields[n] as string))
  return (
    Number(has('hw.vendor', 'os.vendor', 'service.vendor')) +
    Number(has('service.product', 'hw.product', 'os.product', 'service.family', 'os.family')) +
    Number(has('service.version', 'hw.version', 'os.version')) +
    Number(has('hw.device', 'os.device')) +
    Number(has('hw.model', 'hw.product'))
  )
}

/** Recog marks banners too generic to identify anything with certainty 0.0. */
export function certainty(fields: Record<string, string>): number {
  const values = ['hw.certainty', 'os.certainty', 'service.certainty']
    .map((k) => fields[k])
    .filter((v): v is string => v !== undefined)
    .map(Number)
  return values.length === 0 ? 1 : Math.max(...values)
}

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
 * device vendor, the OS family or the OS differs, and no field of a namespace whose product differs (a
 * version must stay with its product).
 */
export function mergeFields(into: Record<string, string>, other: Record<string, string>): void {
  const differ = (x: string | undefined, y: string | undefined) =>
    !!x && !!y && x.toLowerCase() !== y.toLowerCase()
  // another device maker or another platform: the candidates describe different things
  if (differ(into['hw.vendor'] ?? into['os.vendor'], other['hw.vendor'] ?? other['os.vendor'])) return
  if (differ(into['os.family'], other['os.family']) || differ(into['os.product'], other['os.product'])) return
  const blocked = NAMESPACES.filter((ns) => {
    const x = into[`${ns}.product`]
    const y = other[`${ns}.product`]
    return x && y && x.toLowerCase() !== y.toLowerCase()
  })
  for (const k in other) {
    if (into[k] !== undefined) continue
    const ns = k.slice(0, k.indexOf('.'))
    if (!(NAMESPACES as readonly string[]).includes(ns) || (blocked as string[]).includes(ns)) continue
    const v = other[k] as string
    if (!isUnresolved(v)) into[k] = v
  }
}

const DIMENSIONS: readonly (readonly string[])[] = [
  ['hw.vendor', 'os.vendor', 'service.vendor'],
  ['service.product', 'hw.product', 'os.product', 'service.family', 'os.family'],
  ['service.version', 'hw.version', 'os.version'],
  ['hw.device', 'os.device'],
  ['hw.model', 'hw.product'],
]

export function specificity(fields: Record<string, string>): number {
  let n = 0
  for (const names of DIMENSIONS) {
    for (const name of names) {
      const v = fields[name]
      if (v && !isUnresolved(v)) {
        n++
        break
      }
    }
  }
  return n
}

const CERTAINTIES = ['hw.certainty', 'os.certainty', 'service.certainty']

/** Recog marks banners too generic to identify anything with certainty 0.0. */
export function certainty(fields: Record<string, string>): number {
  let best: number | undefined
  for (const k of CERTAINTIES) {
    const v = fields[k]
    if (v !== undefined) best = Math.max(best ?? 0, Number(v))
  }
  return best ?? 1
}

import type { Fingerprint } from '../core/record.js'
import { isUnresolved } from './apply-rule.js'
import { toCpe23 } from './cpe.js'
import type { Vocabulary } from './vocab.js'

const CPE_FIELDS = ['hw.cpe23', 'os.cpe23', 'service.cpe23', 'service.component.cpe23']

/**
 * The record's fingerprint from a rule's fields. The device (hw.*) names the result when a rule
 * knows it; otherwise the service, then the OS. The version is the version of what `product` names.
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
  const vendor = hwProduct
    ? (f('hw.vendor') ?? f('os.vendor'))
    : serviceProduct
      ? (f('service.vendor') ?? f('hw.vendor'))
      : (f('hw.vendor') ?? f('os.vendor') ?? f('service.vendor'))
  const product = hwProduct ?? serviceProduct ?? f('os.product')
  const version = hwProduct
    ? (f('hw.version') ?? f('os.version'))
    : serviceProduct
      ? f('service.version')
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

/** How many identifying facts the fields carry: the "most specific wins" measure. */
export function specificity(fields: Record<string, string>): number {
  let n = 0
  for (const [k, v] of Object.entries(fields)) {
    if (!v || isUnresolved(v) || k.endsWith('.certainty') || k.endsWith('.cpe23')) continue
    if (/^(?:hw|os|service)\.(?:vendor|product|model|version|device|family)$/.test(k)) n++
  }
  return n
}

/** Recog marks banners too generic to identify anything with certainty 0.0. */
export function certainty(fields: Record<string, string>): number {
  const values = ['hw.certainty', 'os.certainty', 'service.certainty']
    .map((k) => fields[k])
    .filter((v): v is string => v !== undefined)
    .map(Number)
  return values.length === 0 ? 1 : Math.max(...values)
}

import { attr, plainValue, tryParseCpe, type Wfn, wfnValue, withAttr } from '../../core/cpe.js'
import type { Fingerprint } from '../../core/record.js'
import { canonicalVendor, productAlias } from './aliases.js'

/**
 * The CPE names a fingerprint stands for, in NVD's naming: its `cpe[]` with vendor and product
 * names passed through the alias table, or, without CPEs, one built from vendor/product/version
 * when the alias table knows the product. Unparseable CPEs are skipped.
 */
export function fingerprintCpes(fp: Fingerprint): Wfn[] {
  const out: Wfn[] = []
  for (const c of fp.cpe ?? []) {
    const w = tryParseCpe(c)
    if (w) out.push(canonicalWfn(w))
  }
  if (out.length === 0 && fp.product) {
    const alias = productAlias(fp.vendor, fp.product)
    if (alias) {
      const text = `cpe:2.3:${alias.part}:${alias.vendor}:${alias.product}:*:*:*:*:*:*:*:*`
      let w = tryParseCpe(text)
      if (w && fp.version) w = withAttr(w, 'version', wfnValue(fp.version))
      if (w) out.push(w)
    }
  }
  return out
}

/** Applies the alias table to a CPE's vendor and product. */
export function canonicalWfn(w: Wfn): Wfn {
  const vendor = plainValue(attr(w, 'vendor'))
  const product = plainValue(attr(w, 'product'))
  if (!vendor) return w
  const alias = product ? productAlias(vendor, product) : undefined
  if (alias) {
    let c = withAttr(w, 'vendor', wfnValue(alias.vendor))
    c = withAttr(c, 'product', wfnValue(alias.product))
    return withAttr(c, 'part', wfnValue(alias.part))
  }
  const v = canonicalVendor(vendor)
  return v === vendor ? w : withAttr(w, 'vendor', wfnValue(v))
}

import { attr, type CpeValue, parseCpe, plainValue, type Wfn, wfnValue, withAttr } from '../../core/cpe.js'

/**
 * What is known about one device or service: the CPE names fingerprinting gave it (fully
 * specified where possible), plus platform names inferred from them.
 */
export interface Asset {
  cpes: Wfn[]
  /**
   * Hardware names inferred from firmware names (`o:huawei:hg532_firmware` → `h:huawei:hg532`)
   * when no hardware CPE was fingerprinted; used only for `vulnerable: false` platform entries.
   */
  inferred: Wfn[]
  /** `vendor:product` of every CPE (unquoted), to skip configurations that name other products. */
  keys: Set<string>
}

/** Builds an asset from CPE strings (2.3 or 2.2); throws ERR_CPE_SYNTAX on a malformed name. */
export function assetFromCpes(cpes: readonly string[]): Asset {
  return assetFromWfns(cpes.map((c) => parseCpe(c)))
}

export function assetFromWfns(cpes: Wfn[]): Asset {
  const hasHardware = cpes.some((w) => partOf(w) === 'h')
  const inferred: Wfn[] = []
  if (!hasHardware) {
    for (const w of cpes) {
      const product = plainValue(attr(w, 'product'))
      if (partOf(w) === 'o' && product.endsWith('_firmware') && product.length > '_firmware'.length) {
        let h = withAttr(w, 'part', wfnValue('h'))
        h = withAttr(h, 'product', wfnValue(product.slice(0, -'_firmware'.length)))
        inferred.push(withAttr(h, 'version', { kind: 'any' }))
      }
    }
  }
  const keys = new Set(cpes.map((w) => `${plainValue(attr(w, 'vendor'))}:${plainValue(attr(w, 'product'))}`))
  return { cpes, inferred, keys }
}

export function partOf(w: Wfn): string {
  return plainValue(attr(w, 'part'))
}

/** The asset's version as text, or undefined when the CPE leaves it ANY/NA. */
export function versionOf(w: Wfn): string | undefined {
  const v: CpeValue = attr(w, 'version')
  return v.kind === 'value' ? plainValue(v) : undefined
}

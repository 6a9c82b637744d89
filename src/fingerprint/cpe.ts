/**
 * The CPE templates fingerprint rules carry, bound as CPE 2.3 formatted strings. Rules write either
 * URI-style names (`cpe:/a:openbsd:openssh:9.2p1`, as Recog and nmap do) or 2.3 names; both become
 * `cpe:2.3:a:openbsd:openssh:9.2p1:*:*:*:*:*:*:*`. Parsing and binding are CPE 2.3's
 * (src/core/cpe.ts, shared with the vulnerability matcher); this file only adds the template rules: spaces as `_`, and an unresolved
 * `{field}`.
 */
import { ANY, bindCpeValue, formatCpe, hasWildcard, tryParseCpe, wfnValue } from '../core/cpe.js'

/** Banner text may carry spaces, which no CPE binding allows: they become `_`. */
function despace(text: string): string {
  return text.replace(/\s+/g, '_')
}

/** A `{field}` the rule's match did not fill. */
function isUnresolved(v: string): boolean {
  return /[{}]/.test(v)
}

/**
 * Binds one attribute value: `*` (ANY) for empty, `-` (NA) kept, otherwise lower-cased, spaces
 * as `_`, and every character other than [a-z0-9._-] backslash-quoted.
 */
export function bindCpeAttribute(value: string | undefined): string {
  return bindCpeValue(wfnValue(despace(value ?? '')))
}

/**
 * A CPE 2.3 formatted string from a URI-style or 2.3 name, or undefined when the name is not a
 * CPE, its part is not a/o/h, vendor or product is missing, or a `{field}` stayed unresolved in
 * vendor/product (an unresolved version becomes ANY: the version is unknown, not absent).
 */
export function toCpe23(name: string): string | undefined {
  const wfn = tryParseCpe(despace(name))
  if (!wfn) return undefined
  const [, vendor, product] = wfn
  if (vendor?.kind !== 'value' || product?.kind !== 'value') return undefined
  if (isUnresolved(vendor.v) || isUnresolved(product.v)) return undefined
  return formatCpe(wfn.map((v) => (v.kind === 'value' && isUnresolved(v.v) ? ANY : v)))
}

/** A well-formed 2.3 formatted string in canonical form (what toCpe23 gives), without wildcards. */
export function isCpe23(name: string): boolean {
  if (!name.startsWith('cpe:2.3:')) return false
  const wfn = tryParseCpe(name)
  return wfn !== undefined && !wfn.some(hasWildcard) && formatCpe(wfn) === name
}

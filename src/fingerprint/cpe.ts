/**
 * CPE 2.3 formatted-string binding (NISTIR 7695 §6.2) of the CPE templates rules carry.
 * Rules write either URI-style names (`cpe:/a:openbsd:openssh:9.2p1`, as Recog and nmap do) or
 * 2.3 names; both become `cpe:2.3:a:openbsd:openssh:9.2p1:*:*:*:*:*:*:*`.
 */

const ATTRIBUTES = 10

/**
 * Binds one attribute value: `*` (ANY) for empty, `-` (NA) kept, otherwise lower-cased, spaces
 * as `_`, and every character other than [a-z0-9._-] backslash-quoted (the FS binding writes
 * `. - _` bare).
 */
export function bindCpeAttribute(value: string | undefined): string {
  if (value === undefined || value === '' || value === '*') return '*'
  if (value === '-') return '-'
  return value
    .toLowerCase()
    .replace(/\s+/g, '_')
    .replace(/[^a-z0-9._-]/g, '\\$&')
}

/**
 * A CPE 2.3 formatted string from a URI-style or 2.3 name, or undefined when the name is not a
 * CPE, its part is not a/o/h, vendor or product is missing, or a `{field}` stayed unresolved in
 * vendor/product (an unresolved version becomes ANY: the version is unknown, not absent).
 */
export function toCpe23(name: string): string | undefined {
  let parts: string[]
  if (name.startsWith('cpe:2.3:')) {
    parts = splitUnescaped(name.slice('cpe:2.3:'.length)).map(unquote23)
  } else if (name.startsWith('cpe:/')) {
    parts = name
      .slice('cpe:/'.length)
      .split(':')
      .map((p) => {
        try {
          return decodeURIComponent(p)
        } catch {
          return p
        }
      })
  } else {
    return undefined
  }
  const [part, vendor, product, ...rest] = parts
  if (!part || !/^[aoh]$/.test(part) || !vendor || !product) return undefined
  if (/[{}]/.test(vendor) || /[{}]/.test(product)) return undefined
  const attrs = [vendor, product, ...rest].slice(0, ATTRIBUTES).map((v) => (/[{}]/.test(v) ? '*' : v))
  while (attrs.length < ATTRIBUTES) attrs.push('*')
  return `cpe:2.3:${part}:${attrs.map(bindCpeAttribute).join(':')}`
}

/** A well-formed 2.3 formatted string (13 colon-separated parts, quoted characters only). */
export function isCpe23(name: string): boolean {
  if (!name.startsWith('cpe:2.3:')) return false
  const parts = splitUnescaped(name.slice('cpe:2.3:'.length))
  return (
    parts.length === 11 &&
    /^[aoh]$/.test(parts[0] as string) &&
    parts.slice(1).every((p) => p === '*' || p === '-' || /^(?:[a-z0-9._-]|\\[^a-z0-9])+$/.test(p))
  )
}

function splitUnescaped(s: string): string[] {
  const out: string[] = []
  let cur = ''
  for (let i = 0; i < s.length; i++) {
    const ch = s[i] as string
    if (ch === '\\' && i + 1 < s.length) {
      cur += ch + s[++i]
    } else if (ch === ':') {
      out.push(cur)
      cur = ''
    } else cur += ch
  }
  out.push(cur)
  return out
}

function unquote23(v: string): string {
  return v.replace(/\\(.)/g, '$1')
}

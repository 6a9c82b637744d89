/** CPE 2.3 names (NISTIR 7695): parsing either binding into a WFN, and binding a WFN back; fingerprints and the vulnerability matcher share it. */
import { MamoriError } from './errors.js'

/** A WFN attribute value: ANY (`*`), NA (`-`), or a WFN string (lower case, non-[a-z0-9_] chars backslash-quoted). */
export type CpeValue = { kind: 'any' } | { kind: 'na' } | { kind: 'value'; v: string }

export const ANY: CpeValue = Object.freeze({ kind: 'any' })
const NA: CpeValue = Object.freeze({ kind: 'na' })

export const CPE_ATTRIBUTES = [
  'part',
  'vendor',
  'product',
  'version',
  'update',
  'edition',
  'language',
  'sw_edition',
  'target_sw',
  'target_hw',
  'other',
] as const
export type CpeAttribute = (typeof CPE_ATTRIBUTES)[number]

/**
 * A CPE name as a well-formed name (WFN, NISTIR 7695 §5): 11 attributes in the order of
 * CPE_ATTRIBUTES. Built by parseCpe from either binding (2.3 formatted string or 2.2 URI).
 */
export type Wfn = readonly CpeValue[]

const MAX_CPE_LENGTH = 1024

function bad(text: string, why: string): MamoriError {
  const shown = text.length > 120 ? `${text.slice(0, 120)}…` : text
  return new MamoriError('ERR_CPE_SYNTAX', `invalid CPE name ${JSON.stringify(shown)}: ${why}`)
}

/**
 * Parses a CPE 2.3 formatted string (`cpe:2.3:o:huawei:hg532_firmware:-:*:*:*:*:*:*:*`) or a 2.2 URI
 * (`cpe:/o:huawei:hg532_firmware`) into a WFN. Throws ERR_CPE_SYNTAX with the reason.
 */
export function parseCpe(text: string): Wfn {
  if (text.length > MAX_CPE_LENGTH) throw bad(text, `longer than ${MAX_CPE_LENGTH} characters`)
  const lower = text.trim()
  if (/^cpe:2\.3:/i.test(lower)) return parseFormattedString(lower)
  if (/^cpe:\//i.test(lower)) return parseUri(lower)
  throw bad(text, 'must start with "cpe:2.3:" or "cpe:/"')
}

/** Like parseCpe but returns undefined instead of throwing. */
export function tryParseCpe(text: string): Wfn | undefined {
  try {
    return parseCpe(text)
  } catch {
    return undefined
  }
}

function parseFormattedString(text: string): Wfn {
  const fields: string[] = []
  let cur = ''
  for (let i = 'cpe:2.3:'.length; i < text.length; i++) {
    const ch = text[i] as string
    if (ch === '\\') {
      const next = text[i + 1]
      if (next === undefined) throw bad(text, 'ends with a lone backslash')
      cur += ch + next
      i++
    } else if (ch === ':') {
      fields.push(cur)
      cur = ''
    } else cur += ch
  }
  fields.push(cur)
  if (fields.length !== 11) throw bad(text, `has ${fields.length} components after "cpe:2.3:", expected 11`)
  const wfn = fields.map((f, i) => unbindFsComponent(text, f, CPE_ATTRIBUTES[i] as CpeAttribute))
  checkPart(text, wfn[0] as CpeValue)
  return wfn
}

/** [a-z0-9_] after lower-casing: kept unquoted in a WFN. */
function isWfnPlain(code: number): boolean {
  return (code >= 0x61 && code <= 0x7a) || (code >= 0x30 && code <= 0x39) || code === 0x5f
}

/** NISTIR 7695 §6.2.3: `*`→ANY, `-`→NA, else quote every char outside [a-z0-9_] that is not a wildcard. */
function unbindFsComponent(text: string, f: string, attr: CpeAttribute): CpeValue {
  if (f === '*') return ANY
  if (f === '-') return NA
  if (f === '') throw bad(text, `empty ${attr}`)
  const lower = f.toLowerCase()
  let out = ''
  let seenPlain = false // a non-wildcard char was seen: later wildcards must be trailing
  let trailingOnly = false
  for (let i = 0; i < lower.length; i++) {
    const code = lower.charCodeAt(i)
    if (code === 0x5c) {
      if (trailingOnly) throw bad(text, `wildcard inside ${attr} "${f}"`)
      out += lower.slice(i, i + 2)
      i++
      seenPlain = true
    } else if (code === 0x2a || code === 0x3f) {
      if (seenPlain) trailingOnly = true
      out += lower[i]
    } else {
      if (trailingOnly) throw bad(text, `wildcard inside ${attr} "${f}"`)
      seenPlain = true
      if (isWfnPlain(code)) out += lower[i]
      else if (code < 0x21 || code > 0x7e) throw bad(text, `non-printable character in ${attr}`)
      else out += `\\${lower[i]}`
    }
  }
  return { kind: 'value', v: out }
}

function parseUri(text: string): Wfn {
  const body = text.slice('cpe:/'.length)
  const parts = body.split(':')
  if (parts.length > 7) throw bad(text, `has ${parts.length} components after "cpe:/", at most 7`)
  const wfn: CpeValue[] = new Array(11).fill(ANY)
  for (let i = 0; i < parts.length; i++) {
    const comp = parts[i] as string
    if (i === 5 && comp.startsWith('~')) {
      // packed edition: ~edition~sw_edition~target_sw~target_hw~other
      const packed = comp.split('~')
      if (packed.length !== 6) throw bad(text, 'packed edition must have 5 "~"-separated fields')
      for (let k = 0; k < 5; k++)
        wfn[[5, 7, 8, 9, 10][k] as number] = decodeUriComponent(text, packed[k + 1] as string)
    } else wfn[i] = decodeUriComponent(text, comp)
  }
  checkPart(text, wfn[0] as CpeValue)
  return wfn
}

/** NISTIR 7695 §6.1.3.2: empty → ANY, `-` → NA, %01 → `?`, %02 → `*`, other %xx decoded and quoted. */
function decodeUriComponent(text: string, comp: string): CpeValue {
  if (comp === '') return ANY
  if (comp === '-') return NA
  let out = ''
  for (let i = 0; i < comp.length; i++) {
    let ch = (comp[i] as string).toLowerCase()
    if (ch === '%') {
      const hex = comp.slice(i + 1, i + 3)
      if (!/^[0-9a-f]{2}$/i.test(hex)) throw bad(text, `bad percent escape "%${hex}"`)
      i += 2
      const code = Number.parseInt(hex, 16)
      if (code === 1) {
        out += '?'
        continue
      }
      if (code === 2) {
        out += '*'
        continue
      }
      ch = String.fromCharCode(code).toLowerCase()
    }
    if (ch.charCodeAt(0) < 0x21 || ch.charCodeAt(0) > 0x7e) throw bad(text, 'non-printable character')
    out += /[a-z0-9_]/.test(ch) ? ch : `\\${ch}`
  }
  return { kind: 'value', v: out }
}

function checkPart(text: string, part: CpeValue): void {
  if (part.kind === 'value' && !/^[aoh]$/.test(part.v))
    throw bad(text, `part must be a, o or h (got "${part.v}")`)
  if (part.kind === 'na') throw bad(text, 'part cannot be NA')
}

/** Binds a WFN to a CPE 2.3 formatted string (NISTIR 7695 §6.2.2: `\.`, `\-`, `\_` lose their backslash). */
export function formatCpe(wfn: Wfn): string {
  return `cpe:2.3:${wfn.map(bindCpeValue).join(':')}`
}

/** Binds one WFN value as a formatted-string component (`*`, `-`, or the quoted value). */
export function bindCpeValue(v: CpeValue): string {
  if (v.kind === 'any') return '*'
  if (v.kind === 'na') return '-'
  return v.v.replace(/\\([.\-_])/g, '$1')
}

const plainCache = new WeakMap<CpeValue, string>()

/** The attribute's value with WFN quoting removed, as a display or index key ('' for ANY/NA). */
export function plainValue(v: CpeValue | undefined): string {
  if (v?.kind !== 'value') return ''
  if (v.v.indexOf('\\') < 0) return v.v
  let p = plainCache.get(v)
  if (p === undefined) {
    p = v.v.replace(/\\(.)/g, '$1')
    plainCache.set(v, p)
  }
  return p
}

/** Builds a WFN value from plain text (quotes every char outside [a-z0-9_]). */
export function wfnValue(plain: string): CpeValue {
  const lower = plain.toLowerCase()
  if (lower === '' || lower === '*') return ANY
  if (lower === '-') return NA
  let out = ''
  for (const ch of lower) out += /[a-z0-9_]/.test(ch) ? ch : `\\${ch}`
  return { kind: 'value', v: out }
}

export function attr(wfn: Wfn, name: CpeAttribute): CpeValue {
  return wfn[CPE_ATTRIBUTES.indexOf(name)] as CpeValue
}

export function withAttr(wfn: Wfn, name: CpeAttribute, value: CpeValue): Wfn {
  const copy = [...wfn]
  copy[CPE_ATTRIBUTES.indexOf(name)] = value
  return copy
}

export function hasWildcard(v: CpeValue): boolean {
  if (v.kind !== 'value' || (v.v.indexOf('*') < 0 && v.v.indexOf('?') < 0)) return false
  return /(^|[^\\])[*?]/.test(v.v)
}

/**
 * Vendor and product of a 2.3 formatted string without a full parse (the import index needs
 * only these), unquoted; undefined when the name is not a 2.3 formatted string.
 */
export function vendorProductOf(fs: string): [string, string] | undefined {
  if (!fs.startsWith('cpe:2.3:')) return undefined
  const fields: string[] = []
  let start = 8
  for (let i = 8; i < fs.length && fields.length < 3; i++) {
    const c = fs.charCodeAt(i)
    if (c === 0x5c) i++
    else if (c === 0x3a) {
      fields.push(fs.slice(start, i))
      start = i + 1
    }
  }
  if (fields.length < 3) return undefined
  const unq = (f: string) => f.replace(/\\(.)/g, '$1').toLowerCase()
  return [unq(fields[1] as string), unq(fields[2] as string)]
}

/** IPv4 addresses as unsigned 32-bit numbers: the one parser and formatter every stage uses. */
import net from 'node:net'

/** One 32-bit part of an inet_aton() spelling: decimal, octal (leading 0) or hex (0x). */
function parsePart(text: string): number | undefined {
  if (/^0x[0-9a-f]*$/i.test(text)) return text.length === 2 ? 0 : Number.parseInt(text.slice(2), 16)
  if (/^0[0-7]*$/.test(text)) return Number.parseInt(text, 8)
  if (/^[1-9][0-9]*$/.test(text)) return Number(text)
  return undefined
}

/**
 * Parses an IPv4 address the way the C library does (inet_aton), so that no spelling slips past the
 * scope check: `127.1`, `2130706433`, `0x7f000001`, `0177.0.0.1`; and IPv4-mapped IPv6
 * (`::ffff:127.0.0.1`, `::ffff:7f00:1`, with or without brackets). Returns the address as an
 * unsigned 32-bit number, or undefined when the text is not an IPv4 address in any spelling.
 */
export function parseIPv4(text: string): number | undefined {
  const t = text.trim()
  if (t.includes(':')) return parseMapped(t.replace(/^\[(.*)\]$/, '$1'))
  const parts = t.split('.')
  if (parts.length < 1 || parts.length > 4) return undefined
  const values: number[] = []
  for (const p of parts) {
    const v = parsePart(p)
    if (v === undefined || !Number.isSafeInteger(v)) return undefined
    values.push(v)
  }
  // a.b.c.d: every part one byte; shorter forms: the last part fills the remaining bytes
  const last = values.length - 1
  let n = 0
  for (let i = 0; i < last; i++) {
    const v = values[i] as number
    if (v > 255) return undefined
    n = n * 256 + v
  }
  const tail = values[last] as number
  const tailBytes = 4 - last
  if (tail >= 2 ** (8 * tailBytes)) return undefined
  return n * 2 ** (8 * tailBytes) + tail
}

function parseMapped(text: string): number | undefined {
  if (!net.isIPv6(text)) return undefined
  const lower = text.toLowerCase()
  const dotted = /^(.*:)(\d+\.\d+\.\d+\.\d+)$/.exec(lower)
  let head = lower
  let low: number | undefined
  if (dotted) {
    low = parseIPv4(dotted[2] as string)
    head = `${dotted[1]}0:0`
  }
  const groups = expandIPv6(head)
  if (!groups) return undefined
  const isMapped = groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff
  if (!isMapped) return undefined
  return low ?? (groups[6] as number) * 65536 + (groups[7] as number)
}

function expandIPv6(text: string): number[] | undefined {
  const [left, right] = text.split('::') as [string, string | undefined]
  const l = left === '' ? [] : left.split(':')
  const r = right === undefined || right === '' ? [] : right.split(':')
  const fill = right === undefined ? 0 : 8 - l.length - r.length
  const all = [...l, ...Array<string>(fill).fill('0'), ...r]
  if (all.length !== 8) return undefined
  return all.map((g) => Number.parseInt(g, 16))
}

/**
 * Parses exactly `a.b.c.d` (four decimal octets) to its 32-bit number, or undefined: the form
 * records, the store and the search language use. Unlike parseIPv4 it takes no other spelling.
 */
export function parseDottedIPv4(text: string): number | undefined {
  // a character loop rather than split and regexes: the store parses one address per ingested record
  let n = 0
  let octet = 0
  let digits = 0
  let dots = 0
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c === 0x2e) {
      if (digits === 0 || dots === 3) return undefined
      n = n * 256 + octet
      octet = 0
      digits = 0
      dots++
    } else if (c >= 0x30 && c <= 0x39 && digits < 3) {
      octet = octet * 10 + (c - 0x30)
      digits++
      if (octet > 255) return undefined
    } else return undefined
  }
  if (dots !== 3 || digits === 0) return undefined
  return n * 256 + octet
}

/** Dotted-quad form of an unsigned 32-bit address. */
export function formatIPv4(n: number): string {
  return `${(n >>> 24) & 255}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`
}

/** The first and last address of a CIDR block. */
export function cidrBounds(base: number, prefix: number): [number, number] {
  const size = 2 ** (32 - prefix)
  const start = Math.floor(base / size) * size
  return [start, start + size - 1]
}

/**
 * The inclusive numeric range of a dotted address (`/32`) or CIDR; host bits are ignored, as Shodan
 * does (`net:127.16.3.77/24` is 127.16.3.0-127.16.3.255).
 */
export function cidrRange(text: string): { lo: number; hi: number } | undefined {
  const [addr, prefix, extra] = text.split('/')
  if (addr === undefined || extra !== undefined) return undefined
  const n = parseDottedIPv4(addr)
  if (n === undefined) return undefined
  if (prefix === undefined) return { lo: n, hi: n }
  if (!/^\d{1,2}$/.test(prefix) || Number(prefix) > 32) return undefined
  const [lo, hi] = cidrBounds(n, Number(prefix))
  return { lo, hi }
}

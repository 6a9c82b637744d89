import { cidrBounds, parseIPv4 } from '../core/ipv4.js'
import { IPv4RangeSet } from './range-set.js'

/**
 * Parses one address, CIDR (`127.16.0.0/16`), range (`127.16.0.1-127.16.0.99`, or
 * `127.16.0.1-99` for the last byte) into a set, accepting every inet_aton spelling of the
 * addresses in it. Returns undefined when the text is none of these (it may be a hostname).
 */
export function parseAddressSpec(text: string): IPv4RangeSet | undefined {
  const t = text.trim()
  const slash = t.lastIndexOf('/')
  if (slash >= 0) {
    const base = parseIPv4(t.slice(0, slash))
    const prefixText = t.slice(slash + 1)
    if (base === undefined || !/^\d{1,2}$/.test(prefixText)) return undefined
    const prefix = Number(prefixText)
    if (prefix > 32) return undefined
    return IPv4RangeSet.of([cidrBounds(base, prefix)])
  }
  const dash = t.indexOf('-')
  if (dash > 0 && !t.includes(':')) {
    const start = parseIPv4(t.slice(0, dash))
    const rest = t.slice(dash + 1)
    if (start === undefined) return undefined
    const end = /^\d{1,3}$/.test(rest) ? lastByte(start, Number(rest)) : parseIPv4(rest)
    if (end === undefined || end < start) return undefined
    return IPv4RangeSet.of([[start, end]])
  }
  const ip = parseIPv4(t)
  return ip === undefined ? undefined : IPv4RangeSet.of([[ip, ip]])
}

function lastByte(start: number, byte: number): number | undefined {
  return byte > 255 ? undefined : start - (start % 256) + byte
}

/** Parses a dotted IPv4 address to its 32-bit number, or undefined when it is not one. */
export function ipv4ToNumber(text: string): number | undefined {
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

/** The inclusive numeric range of an address (`/32`) or CIDR; host bits are ignored as Shodan does. */
export function cidrRange(text: string): { lo: number; hi: number } | undefined {
  const [addr, prefix, extra] = text.split('/')
  if (addr === undefined || extra !== undefined) return undefined
  const n = ipv4ToNumber(addr)
  if (n === undefined) return undefined
  if (prefix === undefined) return { lo: n, hi: n }
  if (!/^\d{1,2}$/.test(prefix) || Number(prefix) > 32) return undefined
  const size = 2 ** (32 - Number(prefix))
  const lo = Math.floor(n / size) * size
  return { lo, hi: lo + size - 1 }
}

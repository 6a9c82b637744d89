/** Parses a dotted IPv4 address to its 32-bit number, or undefined when it is not one. */
export function ipv4ToNumber(text: string): number | undefined {
  const parts = text.split('.')
  if (parts.length !== 4) return undefined
  let n = 0
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part)) return undefined
    const octet = Number(part)
    if (octet > 255) return undefined
    n = n * 256 + octet
  }
  return n
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

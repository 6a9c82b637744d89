import { MamoriError } from '../core/errors.js'
import { formatIPv4, parseDottedIPv4 } from '../core/ipv4.js'
import type { SeededRandom } from './seeded-random.js'

/** An IPv4 block inside 127.0.0.0/8, as numbers. */
export interface LabNet {
  readonly cidr: string
  readonly first: number
  readonly size: number
}

const LOOPBACK_FIRST = 0x7f000000
const LOOPBACK_HOST = 0x7f000001 // 127.0.0.1: other services of the machine live there

/** Parses `--net`; refuses anything that is not a block of 127.0.0.0/8 (exit code 2). */
export function parseLabNet(cidr: string): LabNet {
  const m = /^([\d.]+)\/(\d{1,2})$/.exec(cidr.trim())
  const base = m ? parseDottedIPv4(m[1] as string) : undefined
  const prefix = m ? Number(m[2]) : Number.NaN
  if (base === undefined || !(prefix >= 0 && prefix <= 32)) {
    throw new MamoriError('ERR_USAGE', `--net must be an IPv4 CIDR such as 127.16.0.0/16, not "${cidr}"`)
  }
  if (prefix < 8 || base >>> 24 !== 127) {
    throw new MamoriError(
      'ERR_SCOPE_REFUSED',
      `the lab runs on loopback only: ${cidr} is not inside 127.0.0.0/8`,
    )
  }
  const size = 2 ** (32 - prefix)
  const first = base - (base % size)
  return { cidr: `${formatIPv4(first)}/${prefix}`, first, size }
}

/** Addresses a device may use: not 127.0.0.1, and no last octet 0 or 255 (network/broadcast-like). */
function isUsable(n: number): boolean {
  const last = n & 255
  return n !== LOOPBACK_HOST && last !== 0 && last !== 255 && n !== LOOPBACK_FIRST
}

export function usableCount(net: LabNet): number {
  if (net.size <= 4096) {
    let count = 0
    for (let i = 0; i < net.size; i++) if (isUsable(net.first + i)) count++
    return count
  }
  // whole /24s minus .0 and .255, minus 127.0.0.1 when the block holds it
  const holdsHost = net.first <= LOOPBACK_HOST && LOOPBACK_HOST < net.first + net.size
  return (net.size / 256) * 254 - (holdsHost ? 1 : 0)
}

/** `count` distinct usable addresses of `net`, in seeded order. */
export function pickAddresses(net: LabNet, count: number, random: SeededRandom): string[] {
  const chosen = new Set<number>()
  if (count > usableCount(net)) {
    throw new MamoriError('ERR_USAGE', `${net.cidr} has room for ${usableCount(net)} devices, not ${count}`)
  }
  if (count * 4 >= usableCount(net)) {
    // dense: shuffle the usable addresses, so drawing never loops on collisions
    const all: number[] = []
    for (let i = 0; i < net.size; i++) if (isUsable(net.first + i)) all.push(net.first + i)
    for (let i = all.length - 1; i > 0; i--) {
      const j = random.int(i + 1)
      ;[all[i], all[j]] = [all[j] as number, all[i] as number]
    }
    return all.slice(0, count).map(formatIPv4)
  }
  const out: string[] = []
  while (out.length < count) {
    const n = net.first + random.int(net.size)
    if (!isUsable(n) || chosen.has(n)) continue
    chosen.add(n)
    out.push(formatIPv4(n))
  }
  return out
}

/** About 10 devices in a /24 and 300 in a /16, growing with the log of the block's size. */
export function defaultDeviceCount(net: LabNet): number {
  const bits = Math.log2(net.size)
  const wanted = Math.round(10 * 30 ** ((bits - 8) / 8))
  return Math.min(Math.max(1, wanted), 2000, usableCount(net))
}

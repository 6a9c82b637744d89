import { formatIPv4 } from '../core/ipv4.js'

/** An inclusive range of IPv4 addresses, as unsigned 32-bit numbers. */
export type IPv4Range = readonly [start: number, end: number]

/**
 * An immutable set of IPv4 addresses kept as sorted, disjoint, non-adjacent ranges: the shape of
 * scopes, exclusions and target lists. Size and lookup by index cost O(log ranges), so a /8 costs
 * the same memory as one address.
 */
export class IPv4RangeSet {
  readonly ranges: readonly IPv4Range[]
  /** offsets[i] = number of addresses in ranges before i; used to find the n-th address. */
  private readonly offsets: number[]
  readonly size: number

  private constructor(ranges: IPv4Range[]) {
    this.ranges = ranges
    this.offsets = []
    let total = 0
    for (const [s, e] of ranges) {
      this.offsets.push(total)
      total += e - s + 1
    }
    this.size = total
  }

  static readonly empty = new IPv4RangeSet([])

  static of(ranges: Iterable<IPv4Range>): IPv4RangeSet {
    const sorted = [...ranges].sort((a, b) => a[0] - b[0])
    const merged: [number, number][] = []
    for (const [s, e] of sorted) {
      const last = merged[merged.length - 1]
      if (last && s <= last[1] + 1) last[1] = Math.max(last[1], e)
      else merged.push([s, e])
    }
    return new IPv4RangeSet(merged)
  }

  union(other: IPv4RangeSet): IPv4RangeSet {
    return IPv4RangeSet.of([...this.ranges, ...other.ranges])
  }

  subtract(other: IPv4RangeSet): IPv4RangeSet {
    const out: [number, number][] = []
    // skip, by binary search, the cuts that end before this set starts (a small set minus a big one)
    let j = 0
    let hi = other.ranges.length
    const first = this.ranges[0]?.[0] ?? 0
    while (j < hi) {
      const mid = (j + hi) >> 1
      if ((other.ranges[mid] as IPv4Range)[1] < first) j = mid + 1
      else hi = mid
    }
    for (const [s0, e] of this.ranges) {
      let s = s0
      while (j < other.ranges.length && (other.ranges[j] as IPv4Range)[1] < s) j++
      let k = j
      while (s <= e) {
        const cut = other.ranges[k]
        if (!cut || cut[0] > e) {
          out.push([s, e])
          break
        }
        if (cut[0] > s) out.push([s, cut[0] - 1])
        s = cut[1] + 1
        k++
      }
    }
    return new IPv4RangeSet(out)
  }

  intersect(other: IPv4RangeSet): IPv4RangeSet {
    return this.subtract(this.subtract(other))
  }

  contains(ip: number): boolean {
    let lo = 0
    let hi = this.ranges.length - 1
    while (lo <= hi) {
      const mid = (lo + hi) >> 1
      const [s, e] = this.ranges[mid] as IPv4Range
      if (ip < s) hi = mid - 1
      else if (ip > e) lo = mid + 1
      else return true
    }
    return false
  }

  /** True when every address of `other` is in this set. */
  covers(other: IPv4RangeSet): boolean {
    return other.subtract(this).size === 0
  }

  /** The index-th address (0-based) in ascending order. */
  at(index: number): number {
    let lo = 0
    let hi = this.offsets.length - 1
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1
      if ((this.offsets[mid] as number) <= index) lo = mid
      else hi = mid - 1
    }
    return ((this.ranges[lo] as IPv4Range)[0] + index - (this.offsets[lo] as number)) >>> 0
  }

  /** The lowest address, if any. */
  first(): number | undefined {
    return this.ranges[0]?.[0]
  }

  toString(): string {
    return this.ranges
      .map(([s, e]) => (s === e ? formatIPv4(s) : `${formatIPv4(s)}-${formatIPv4(e)}`))
      .join(',')
  }
}

import { MamoriError } from '../core/errors.js'
import { isPrimitiveRoot, modPow, nextPrime, primeFactors, SeededRandom } from './modular.js'

/** Below this modulus a*b fits in a double exactly, so the walk stays on plain numbers. */
const SMALL_MODULUS = 2 ** 26

/** Shard i of n (0-based). */
export interface Shard {
  readonly index: number
  readonly count: number
}

export function parseShard(text: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim())
  const index = Number(m?.[1])
  const count = Number(m?.[2])
  if (!m || count < 1 || index >= count) {
    throw new MamoriError(
      'ERR_USAGE',
      `bad shard ${JSON.stringify(text)}: expected i/n with 0 <= i < n, e.g. 0/4`,
    )
  }
  return { index, count }
}

/**
 * A pseudo-random order over [0, size) as ZMap walks the IPv4 space: the multiplicative group
 * modulo a prime p > size is cyclic, so x, x·g, x·g², ... (g a generator) visits every value in
 * [1, p) exactly once; values above `size` are skipped. State is one number (the position in the
 * cycle), so memory is O(1) for any size, a shard is a contiguous slice of the cycle, and a resumed
 * scan restarts at a saved position. The seed picks g and the starting element.
 */
export class CyclicPermutation {
  readonly size: number
  readonly prime: number
  readonly generator: number
  private readonly origin: number

  constructor(size: number, seed: number) {
    if (!Number.isSafeInteger(size) || size < 0 || size >= 2 ** 50) {
      throw new MamoriError(
        'ERR_USAGE',
        `target space of ${size} is too large (limit 2^50 address×port pairs)`,
      )
    }
    this.size = size
    this.prime = nextPrime(Math.max(size, 2))
    const rng = new SeededRandom(seed)
    const factors = primeFactors(this.prime - 1)
    let g = 1
    if (this.prime > 3) {
      do g = 2 + rng.below(this.prime - 3)
      while (!isPrimitiveRoot(g, this.prime, factors))
    } else {
      g = this.prime === 3 ? 2 : 1
    }
    this.generator = g
    this.origin = 1 + rng.below(this.prime - 1)
  }

  /** Number of positions in the whole cycle (p - 1); some of them are skipped values. */
  get cycleLength(): number {
    return this.prime - 1
  }

  /** The positions [start, end) of the cycle that shard i of n walks: disjoint, covering all. */
  shardBounds(shard: Shard): [number, number] {
    const len = this.cycleLength
    const cut = (i: number) => Number((BigInt(len) * BigInt(i)) / BigInt(shard.count))
    return [cut(shard.index), cut(shard.index + 1)]
  }

  /** A cursor positioned at `position` of the cycle, stopping at `end` (at most the cycle's end). */
  cursor(position: number, end: number): PermutationCursor {
    const p = BigInt(this.prime)
    const value = Number((BigInt(this.origin) * modPow(BigInt(this.generator), BigInt(position), p)) % p)
    return new PermutationCursor(this, position, Math.min(end, this.cycleLength), value)
  }
}

/** Walks a slice of the cycle; `next()` returns the next space index, or -1 at the end. */
export class PermutationCursor {
  /** The position of the value `next()` will look at. */
  position: number
  private readonly end: number
  private value: number
  private readonly size: number
  private readonly step: (v: number) => number

  constructor(perm: CyclicPermutation, position: number, end: number, value: number) {
    this.position = position
    this.end = end
    this.value = value
    this.size = perm.size
    const g = perm.generator
    const p = perm.prime
    if (p <= SMALL_MODULUS) {
      this.step = (v) => (v * g) % p
    } else {
      const bg = BigInt(g)
      const bp = BigInt(p)
      this.step = (v) => Number((BigInt(v) * bg) % bp)
    }
  }

  /** The next space index in [0, size); its position is `position - 1` after the call. */
  next(): number {
    while (this.position < this.end) {
      const v = this.value
      this.value = this.step(v)
      this.position++
      if (v <= this.size) return v - 1
    }
    return -1
  }
}

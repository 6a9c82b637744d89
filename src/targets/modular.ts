/** Number theory for the target permutation, on BigInt (spaces go past 2^53 when squared). */

export function modPow(base: bigint, exp: bigint, mod: bigint): bigint {
  let result = 1n
  let b = base % mod
  let e = exp
  while (e > 0n) {
    if (e & 1n) result = (result * b) % mod
    b = (b * b) % mod
    e >>= 1n
  }
  return result % mod
}

// Deterministic Miller-Rabin witnesses for every n < 3.3e24 (far above any scan space).
const WITNESSES = [2n, 3n, 5n, 7n, 11n, 13n, 17n, 19n, 23n, 29n, 31n, 37n, 41n]

export function isPrime(n: bigint): boolean {
  if (n < 2n) return false
  for (const p of WITNESSES) {
    if (n === p) return true
    if (n % p === 0n) return false
  }
  let d = n - 1n
  let r = 0
  while ((d & 1n) === 0n) {
    d >>= 1n
    r++
  }
  outer: for (const a of WITNESSES) {
    let x = modPow(a, d, n)
    if (x === 1n || x === n - 1n) continue
    for (let i = 1; i < r; i++) {
      x = (x * x) % n
      if (x === n - 1n) continue outer
    }
    return false
  }
  return true
}

/** The smallest prime strictly greater than n. */
export function nextPrime(n: number): number {
  let c = BigInt(n) + 1n
  while (!isPrime(c)) c++
  return Number(c)
}

/** Distinct prime factors of n (trial division: n < 2^50 needs at most 2^25 steps). */
export function primeFactors(n: number): number[] {
  const out: number[] = []
  let m = n
  for (const p of [2, 3]) {
    if (m % p === 0) {
      out.push(p)
      while (m % p === 0) m /= p
    }
  }
  for (let f = 5; f * f <= m; f += 6) {
    for (const p of [f, f + 2]) {
      if (m % p === 0) {
        out.push(p)
        while (m % p === 0) m /= p
      }
    }
  }
  if (m > 1) out.push(m)
  return out
}

/** True when g generates the whole multiplicative group modulo the prime p. */
export function isPrimitiveRoot(g: number, p: number, factors: readonly number[]): boolean {
  const bp = BigInt(p)
  return factors.every((q) => modPow(BigInt(g), BigInt((p - 1) / q), bp) !== 1n)
}

/**
 * A seeded generator of uniform integers (SplitMix64): the same seed gives the same permutation on
 * every machine and every run, which is what makes shards and resume possible.
 */
export class SeededRandom {
  private state: bigint
  constructor(seed: number | bigint) {
    this.state = BigInt.asUintN(64, BigInt(seed))
  }
  /** A uniform integer in [0, bound). */
  below(bound: number): number {
    this.state = BigInt.asUintN(64, this.state + 0x9e3779b97f4a7c15n)
    let z = this.state
    z = BigInt.asUintN(64, (z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n)
    z = BigInt.asUintN(64, (z ^ (z >> 27n)) * 0x94d049bb133111ebn)
    z ^= z >> 31n
    return Number(z % BigInt(bound))
  }
}

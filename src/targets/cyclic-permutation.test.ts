import assert from 'node:assert/strict'
import { test } from 'node:test'
import { CyclicPermutation, parseShard } from './cyclic-permutation.js'
import { isPrime, primeFactors } from './modular.js'

function walk(perm: CyclicPermutation, from: number, to: number): number[] {
  const out: number[] = []
  const c = perm.cursor(from, to)
  for (let i = c.next(); i >= 0; i = c.next()) out.push(i)
  return out
}

test('the walk is a bijection on small spaces of every size', () => {
  for (let size = 1; size <= 300; size++) {
    const perm = new CyclicPermutation(size, size * 7919)
    const seen = walk(perm, 0, perm.cycleLength)
    assert.equal(seen.length, size, `size ${size}`)
    assert.deepEqual(
      [...seen].sort((a, b) => a - b),
      Array.from({ length: size }, (_, i) => i),
      `size ${size}`,
    )
  }
})

test('the order is deterministic by seed and differs between seeds', () => {
  const a = walk(new CyclicPermutation(5000, 42), 0, Number.MAX_SAFE_INTEGER)
  const b = walk(new CyclicPermutation(5000, 42), 0, Number.MAX_SAFE_INTEGER)
  const c = walk(new CyclicPermutation(5000, 43), 0, Number.MAX_SAFE_INTEGER)
  assert.deepEqual(a, b)
  assert.notDeepEqual(a, c)
  // not the identity order, and spread: consecutive indexes are rarely neighbours
  const neighbours = a.slice(1).filter((v, i) => Math.abs(v - (a[i] as number)) <= 1).length
  assert.ok(neighbours < 50, `${neighbours} neighbouring steps`)
})

test('shards are disjoint and their union is the whole space', () => {
  const size = 10_007
  const perm = new CyclicPermutation(size, 99)
  for (const n of [1, 2, 3, 7, 16]) {
    const seen = new Uint8Array(size)
    let total = 0
    for (let i = 0; i < n; i++) {
      const [s, e] = perm.shardBounds({ index: i, count: n })
      for (const v of walk(perm, s, e)) {
        assert.equal(seen[v], 0, `index ${v} twice with ${n} shards`)
        seen[v] = 1
        total++
      }
    }
    assert.equal(total, size, `${n} shards`)
  }
})

test('a cursor started at any saved position continues the same sequence', () => {
  const perm = new CyclicPermutation(2000, 5)
  const full = walk(perm, 0, perm.cycleLength)
  const c = perm.cursor(0, perm.cycleLength)
  const firstPart: number[] = []
  for (let i = 0; i < 700; i++) firstPart.push(c.next())
  const rest = walk(perm, c.position, perm.cycleLength)
  assert.deepEqual([...firstPart, ...rest], full)
})

test('large spaces use exact big-number steps and stay bijective on a sampled stretch', () => {
  const size = 2 ** 32 * 3 // every IPv4 address × 3 ports
  const perm = new CyclicPermutation(size, 1)
  assert.ok(perm.prime > size && isPrime(BigInt(perm.prime)))
  const c = perm.cursor(1_000_000, 1_020_000)
  const seen = new Set<number>()
  for (let i = c.next(); i >= 0; i = c.next()) {
    assert.ok(i >= 0 && i < size)
    seen.add(i)
  }
  assert.ok(seen.size > 19_000, `${seen.size} distinct`)
  // the same stretch from a cursor at the shifted position gives the same values
  const again = perm.cursor(1_010_000, 1_010_005)
  const viaFull = perm.cursor(1_000_000, 1_010_005)
  const tail: number[] = []
  for (let i = viaFull.next(); i >= 0; i = viaFull.next()) if (viaFull.position > 1_010_000) tail.push(i)
  const direct: number[] = []
  for (let i = again.next(); i >= 0; i = again.next()) direct.push(i)
  assert.deepEqual(direct, tail)
})

test('number theory helpers', () => {
  assert.deepEqual(primeFactors(2 ** 5 * 3 * 7 * 7 * 101), [2, 3, 7, 101])
  assert.deepEqual([2n, 3n, 4n, 97n, 561n, 4294967291n, 4294967297n].map(isPrime), [
    true,
    true,
    false,
    true,
    false,
    true,
    false,
  ])
  assert.deepEqual(parseShard('2/5'), { index: 2, count: 5 })
  for (const bad of ['5/5', '1/0', 'a/b', '1', '-1/2']) assert.throws(() => parseShard(bad), /bad shard/)
})

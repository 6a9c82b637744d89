import assert from 'node:assert/strict'
import { test } from 'node:test'
import { IPv4RangeSet } from './range-set.js'

const set = (...r: [number, number][]) => IPv4RangeSet.of(r)

test('ranges merge when they overlap or touch', () => {
  assert.deepEqual(set([10, 20], [15, 30], [31, 40], [50, 60]).ranges, [
    [10, 40],
    [50, 60],
  ])
})

test('subtract, intersect, covers and contains agree with a brute-force model', () => {
  const a = set([0, 99], [200, 299])
  const b = set([50, 249], [290, 400])
  const inA = (x: number) => (x >= 0 && x <= 99) || (x >= 200 && x <= 299)
  const inB = (x: number) => (x >= 50 && x <= 249) || (x >= 290 && x <= 400)
  const diff = a.subtract(b)
  const both = a.intersect(b)
  for (let x = 0; x < 500; x++) {
    assert.equal(diff.contains(x), inA(x) && !inB(x), `diff ${x}`)
    assert.equal(both.contains(x), inA(x) && inB(x), `intersect ${x}`)
  }
  assert.equal(diff.size, 50 + 40)
  assert.ok(a.covers(both))
  assert.ok(!a.covers(b))
})

test('at(i) walks the addresses in order across ranges', () => {
  const s = set([5, 7], [100, 101], [4294967295, 4294967295])
  assert.deepEqual(
    Array.from({ length: s.size }, (_, i) => s.at(i)),
    [5, 6, 7, 100, 101, 4294967295],
  )
})

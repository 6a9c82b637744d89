import assert from 'node:assert/strict'
import { SeededRandom } from '../lab/seeded-random.js'

/** Runs `check` on `runs` inputs made by `make` from one seeded generator: a failure replays. */
export function fuzz<T>(
  seed: number,
  runs: number,
  make: (rng: SeededRandom) => T,
  check: (input: T) => void,
): void {
  const rng = new SeededRandom(seed)
  for (let i = 0; i < runs; i++) {
    const input = make(rng)
    try {
      check(input)
    } catch (err) {
      if (err instanceof Error) err.message = `fuzz seed ${seed}, run ${i}: ${err.message}`
      throw err
    }
  }
}

/** Random bytes, up to `maxLength` of them. */
export function randomBytes(rng: SeededRandom, maxLength: number): Buffer {
  return Buffer.from(Array.from({ length: rng.int(maxLength + 1) }, () => rng.int(256)))
}

/** A near miss of `good`: cut at a random length (unless `whole`), then up to `flips` bytes overwritten. */
export function mutate(rng: SeededRandom, good: Buffer, flips = 2, whole = false): Buffer {
  const out = Buffer.from(whole ? good : good.subarray(0, rng.int(good.length + 1)))
  for (let j = rng.int(flips + 1); j > 0 && out.length > 0; j--) out[rng.int(out.length)] = rng.int(256)
  return out
}

/** Up to `max` of `parts`, drawn at random and joined: inputs that are almost the protocol. */
export function pieces(rng: SeededRandom, parts: readonly string[], max: number): string {
  let s = ''
  for (let j = rng.int(max + 1); j > 0; j--) s += rng.pick(parts)
  return s
}

/** Runs a parser on bad input: it may return anything or throw a ProtocolError, nothing else. */
export function onlyProtocolError<T>(parse: () => T): T | undefined {
  try {
    return parse()
  } catch (err) {
    assert.equal((err as Error).name, 'ProtocolError', (err as Error).stack)
    return undefined
  }
}

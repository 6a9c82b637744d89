// Store ingest A/B: the store bench's record stream ingested batch by batch into this build's store
// and another build's, alternately, in one process, so both see the same machine speed. On a machine
// whose speed drifts by more than the change being measured, this is how a store change is judged.
//
//   git worktree add /tmp/mamori-base <commit> && (cd /tmp/mamori-base && npm ci && npm run build)
//   node dist/bench/store-ab.js --baseline /tmp/mamori-base --observations 1000000 [--shuffle]
import { mkdirSync, rmSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import { openStore } from '../src/store/open-store.js'
import type { Store } from '../src/store/store.js'
import { StoreStream } from './store-stream.js'

const { values: args } = parseArgs({
  options: {
    baseline: { type: 'string' },
    observations: { type: 'string', default: '1000000' },
    scans: { type: 'string', default: '10' },
    shuffle: { type: 'boolean', default: false },
    dir: { type: 'string', default: '/tmp/mamori-store-ab' },
  },
})
if (!args.baseline)
  throw new Error('--baseline DIR: a checkout of the other commit, built (npm ci && npm run build)')
const N = Number(args.observations)
const SCANS = Number(args.scans)
const options = { services: Math.floor(N / SCANS), scans: SCANS, batch: 5000, shuffle: args.shuffle }

type OpenStore = (target: string) => Promise<Store>
const baselineModule = pathToFileURL(join(resolve(args.baseline), 'dist/src/store/open-store.js')).href
const sides: Record<'baseline' | 'this build', OpenStore> = {
  baseline: (await import(baselineModule)).openStore as OpenStore,
  'this build': openStore,
}

rmSync(args.dir, { recursive: true, force: true })
mkdirSync(args.dir, { recursive: true })
const runs = await Promise.all(
  Object.entries(sides).map(async ([label, open], i) => ({
    label,
    store: await open(join(args.dir as string, `${i}.db`)),
    // each side gets its own stream: the same records, built from the same seeds
    batches: new StoreStream(options).batches(),
    ms: 0,
    firstScanMs: 0,
    stored: 0,
  })),
)
console.log(
  `store A/B: ${N} observations = ${SCANS} scans × ${options.services} services${args.shuffle ? ', each scan in a random order' : ''}`,
)
// alternate which side goes first, batch by batch, so neither always meets the warmer cache
for (let b = 0, ended = false; !ended; b++) {
  for (const run of b % 2 ? [...runs].reverse() : runs) {
    // both sides' streams are the same length: they end in the same round
    const item = run.batches.next()
    if (item.done) {
      ended = true
      break
    }
    const [scan, records] = item.value
    const t = performance.now()
    run.stored += (await run.store.ingest(records)).stored
    const dt = performance.now() - t
    run.ms += dt
    if (scan === 0) run.firstScanMs += dt
  }
}
for (const run of runs) {
  await run.store.close()
  console.log(
    `${run.label}: ${Math.round(run.stored / (run.ms / 1000))} records/s (${run.stored} stored in ${(run.ms / 1000).toFixed(1)} s; first scan ${(run.firstScanMs / 1000).toFixed(1)} s)`,
  )
}
const [base, mine] = runs as [(typeof runs)[0], (typeof runs)[0]]
console.log(`this build's time / the baseline's: ${(mine.ms / base.ms).toFixed(3)}`)
rmSync(args.dir, { recursive: true, force: true })

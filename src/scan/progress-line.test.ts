import assert from 'node:assert/strict'
import { test } from 'node:test'
import { formatDuration, formatProgress } from './progress-line.js'

test('the progress line shows a bar, the share done, the rate, what was found and the ETA', () => {
  const line = formatProgress({
    fraction: 0.25,
    probed: 25_000,
    open: 12,
    records: 10,
    elapsedMs: 10_000,
    rate: 2500,
  })
  assert.equal(line, '[######..................]  25.0%  2,500 probes/s  12 open  10 records  ETA 30s')
  assert.match(
    formatProgress({ fraction: 0, probed: 0, open: 0, records: 0, elapsedMs: 0, rate: 0 }),
    /^\[\.{24}\].*ETA -$/,
  )
  assert.match(
    formatProgress({ fraction: 1, probed: 9, open: 1, records: 1, elapsedMs: 900, rate: 10 }),
    /^\[#{24}\] 100\.0%/,
  )
})

test('durations read as a person reads them', () => {
  assert.equal(formatDuration(59_000), '59s')
  assert.equal(formatDuration(61_000), '1m01s')
  assert.equal(formatDuration(3_720_000), '1h02m')
})

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { CompletionTracker } from './completion-tracker.js'

test('the watermark is the lowest unfinished position; finished ones above it are listed', () => {
  const t = new CompletionTracker(10)
  const tickets = [10, 12, 13, 17].map((p) => t.issue(p))
  assert.deepEqual(t.snapshot(), { watermark: 10, doneAbove: [] })
  t.finish(tickets[2] as number)
  t.finish(tickets[3] as number)
  assert.deepEqual(t.snapshot(), { watermark: 10, doneAbove: [13, 17] })
  t.finish(tickets[0] as number)
  assert.deepEqual(t.snapshot(), { watermark: 12, doneAbove: [13, 17] })
  t.finish(tickets[1] as number)
  t.advanceTo(25)
  assert.deepEqual(t.snapshot(), { watermark: 25, doneAbove: [] })
})

test('tickets stay valid while the ring grows past its first size', () => {
  const t = new CompletionTracker(0)
  const tickets: number[] = []
  for (let p = 0; p < 5000; p++) tickets.push(t.issue(p * 2))
  for (let i = tickets.length - 1; i >= 1; i--) t.finish(tickets[i] as number)
  assert.equal(t.snapshot().watermark, 0)
  assert.equal(t.snapshot().doneAbove.length, 4999)
  t.finish(tickets[0] as number)
  assert.deepEqual(t.snapshot(), { watermark: 9999, doneAbove: [] })
  assert.equal(t.inFlight, 0)
})

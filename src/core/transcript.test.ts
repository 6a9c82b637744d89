import assert from 'node:assert/strict'
import { test } from 'node:test'
import { MASK, Transcript } from './transcript.js'

test('the password is masked wherever it shows up: sent, echoed, encoded, in reasons', () => {
  const t = new Transcript('xc3511', 'cm9vdDp4YzM1MTE=')
  t.sent('USER root')
  t.sentSecret('PASS ')
  t.received(Buffer.from('xc3511\r\n# '))
  t.sent('Authorization: Basic cm9vdDp4YzM1MTE=')
  t.addSecret('6629fae49393a05397450978507c4ef1')
  t.received('response=6629fae49393a05397450978507c4ef1')
  const text = JSON.stringify(t.lines())
  assert.ok(!text.includes('xc3511'))
  assert.ok(!text.includes('cm9vdDp4YzM1MTE='))
  assert.ok(!text.includes('6629fae4'))
  assert.equal(t.lines()[1]?.text, `PASS ${MASK}`)
  assert.equal(t.mask('refused xc3511'), `refused ${MASK}`)
})

test('a hostile peer cannot make the transcript unbounded', () => {
  const t = new Transcript('p')
  for (let i = 0; i < 1000; i++) t.received(Buffer.alloc(100_000, 0x41))
  const lines = t.lines()
  assert.ok(lines.length <= 64)
  for (const l of lines) assert.ok(l.text.length <= 1025)
})

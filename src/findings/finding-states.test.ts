import assert from 'node:assert/strict'
import { test } from 'node:test'
import { isMamoriError } from '../core/errors.js'
import { checkManualTransition, FINDING_STATES, parseFindingState } from './finding-states.js'

test('by hand: acknowledge, claim a fix, reopen, close with any state; never verify a fix or reopen what is open', () => {
  checkManualTransition('open', 'acknowledged')
  checkManualTransition('notified', 'fix-claimed')
  checkManualTransition('fix-verified', 'reopened')
  checkManualTransition('closed', 'reopened')
  for (const from of FINDING_STATES) if (from !== 'closed') checkManualTransition(from, 'closed')
  for (const [from, to] of [
    ['open', 'fix-verified'],
    ['open', 'reopened'],
    ['closed', 'closed'],
    ['fix-verified', 'acknowledged'],
  ] as const) {
    assert.throws(
      () => checkManualTransition(from, to),
      (e: unknown) =>
        isMamoriError(e) && e.code === 'ERR_USAGE' && e.message.includes(`${from} cannot be moved to ${to}`),
    )
  }
  assert.equal(parseFindingState('Acknowledged'), 'acknowledged')
  assert.throws(() => parseFindingState('fixed'), /not a finding state/)
})

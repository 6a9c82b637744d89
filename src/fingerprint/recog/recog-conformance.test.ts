import assert from 'node:assert/strict'
import { test } from 'node:test'
import { sharedData } from '../../testing/shared-data.js'
import { applyRule } from '../apply-rule.js'
import { loadRecogDir } from './load-recog.js'

// Recog's own contract (recog_verify): every example matches its fingerprint with its params.
test('every example of every translatable Recog fingerprint matches with its declared params', () => {
  const load = loadRecogDir(sharedData('recog'))
  const failures: string[] = []
  let examples = 0
  for (const rule of load.rules) {
    for (const ex of rule.examples) {
      examples++
      const got = applyRule(rule, ex.text)
      const wrong = got ? Object.entries(ex.expect).filter(([k, v]) => got[k] !== v) : [['(no match)', '']]
      if (wrong.length > 0)
        failures.push(`${rule.id}: ${JSON.stringify(ex.text).slice(0, 80)} ${JSON.stringify(wrong)}`)
    }
  }
  const rejected = load.problems.filter((p) => p.rule)
  const rejectedExamples = load.fingerprints - load.rules.length
  const passed = examples - failures.length
  console.log(
    `recog conformance: ${passed}/${examples} examples of ${load.rules.length} translated fingerprints pass ` +
      `(${((100 * passed) / examples).toFixed(2)}%); ${load.fingerprints} fingerprints, ${rejected.length} rejected:`,
  )
  for (const p of rejected) console.log(`  ${p.file.split('/').pop()}:${p.line} ${p.message}`)
  assert.equal(rejectedExamples, rejected.length)
  assert.deepEqual(failures, [])
  // the shared snapshot holds 6,409 examples; only the rejected fingerprints' may be missing
  assert.ok(examples >= 6400, `only ${examples} examples loaded`)
  assert.ok(load.rules.length >= 3670)
})

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { MAX_DEVICE_BUDGET, planCredentials } from './credential-plan.js'
import { loadDictionaries } from './dictionaries.js'

const dicts = loadDictionaries()

test("the identified vendor's defaults come first, then the common list", () => {
  const plan = planCredentials(dicts, { protocol: 'telnet', vendor: 'Xiongmai Technology' })
  const hisilicon = dicts.vendors.find((v) => v.vendor === 'hisilicon')
  assert.ok(hisilicon)
  const first = plan[0]
  assert.ok(first && hisilicon.entries.some((e) => e.id === first.id), first?.id)
  const none = planCredentials(dicts, { protocol: 'telnet' })
  assert.equal(none[0]?.id, 'common-001')
  assert.equal(none.length, Math.min(100, none.length))
})

test('each pair once, only entries meant for the protocol, within the budget', () => {
  const plan = planCredentials(dicts, { protocol: 'http', vendor: 'Huawei', budget: 600 })
  const pairs = plan.map((c) => `${c.username}\0${c.password}`)
  assert.equal(new Set(pairs).size, pairs.length)
  for (const c of plan) assert.ok(!c.protocols || c.protocols.includes('http'), c.id)
  assert.ok(plan.some((c) => c.username === 'dslf-config'))
  assert.ok(
    !planCredentials(dicts, { protocol: 'telnet', vendor: 'Huawei', budget: 600 }).some(
      (c) => c.username === 'dslf-config',
    ),
  )
  assert.equal(planCredentials(dicts, { protocol: 'telnet', budget: 5 }).length, 5)
  assert.ok(planCredentials(dicts, { protocol: 'telnet', budget: 10_000 }).length <= MAX_DEVICE_BUDGET)
  assert.equal(planCredentials(dicts, { protocol: 'telnet', budget: 0 }).length, 1)
})

test('an unknown or hostile vendor string falls back to the common list', () => {
  for (const vendor of ['', '\u0000\u0001', 'x'.repeat(10_000), 'Ünïcödé Corp']) {
    assert.equal(planCredentials(dicts, { protocol: 'ssh', vendor })[0]?.id, 'common-001')
  }
})

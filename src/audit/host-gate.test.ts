import assert from 'node:assert/strict'
import { test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { HostGate } from './host-gate.js'

test('one piece of work per address at a time; different addresses run together', async () => {
  const gate = new HostGate()
  const active = new Map<string, number>()
  let maxSame = 0
  let maxAll = 0
  const work = (ip: string) =>
    gate.run(ip, async () => {
      active.set(ip, (active.get(ip) ?? 0) + 1)
      maxSame = Math.max(maxSame, active.get(ip) ?? 0)
      maxAll = Math.max(
        maxAll,
        [...active.values()].reduce((a, b) => a + b, 0),
      )
      await sleep(10)
      active.set(ip, (active.get(ip) ?? 1) - 1)
    })
  await Promise.all([work('a'), work('a'), work('a'), work('b'), work('b'), work('c')])
  assert.equal(maxSame, 1)
  assert.ok(maxAll >= 2)
  // a failing piece of work releases the gate
  await assert.rejects(gate.run('a', async () => Promise.reject(new Error('boom'))))
  assert.equal(await gate.run('a', async () => 42), 42)
})

import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { ProtocolModule } from '../core/protocol-module.js'
import { builtinModules } from '../modules/index.js'
import { PORT_PRESETS, portPresets } from './port-presets.js'

test('the presets are what the modules declare: iot, mirai and iot-udp', () => {
  assert.deepEqual(PORT_PRESETS, {
    iot: '21,22,23,80,81,322,443,502,554,1883,2223,2323,5555,7547,8000,8080,8443,8883,9527,9530,34567,37215,37777,52869',
    mirai: '23,2323',
    'iot-udp': 'U:161,U:1900,U:5683',
  })
})

test("a new module's ports join the presets it names, UDP ones with U:", () => {
  const extra = [
    { name: 'x', transport: 'tcp', portPresets: { iot: [23, 4000], lab: [9] } },
    { name: 'y', transport: 'udp', portPresets: { iot: [4000] } },
  ] as unknown as ProtocolModule<unknown>[]
  const presets = portPresets([...builtinModules, ...extra])
  assert.match(presets.iot ?? '', /,2323,4000,5555,.*,52869,U:4000$/)
  assert.equal(presets.lab, '9')
})

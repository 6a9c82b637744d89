import assert from 'node:assert/strict'
import { test } from 'node:test'
import { isMamoriError } from '../core/errors.js'
import { parsePortSpec } from './port-spec.js'

test('nmap port syntax: lists, ranges, open ranges, T:/U: prefixes that stick', () => {
  assert.deepEqual(parsePortSpec('22,80,8000-8003'), { tcp: [22, 80, 8000, 8001, 8002, 8003], udp: [] })
  assert.deepEqual(parsePortSpec('80,22,80'), { tcp: [22, 80], udp: [] })
  assert.deepEqual(parsePortSpec('23,T:80,U:161'), { tcp: [23, 80], udp: [161] })
  assert.deepEqual(parsePortSpec('U:53,111,T:21-22'), { tcp: [21, 22], udp: [53, 111] })
  assert.equal(parsePortSpec('-1024').tcp.length, 1024)
  assert.deepEqual(parsePortSpec('65534-').tcp, [65534, 65535])
  assert.deepEqual(parsePortSpec('u:161, t:22'), { tcp: [22], udp: [161] })
})

test('presets expand by name and mix with explicit ports', () => {
  const iot = parsePortSpec('iot')
  for (const p of [23, 2323, 22, 80, 81, 443, 554, 1883, 5555, 7547, 8080, 8443, 37215, 52869, 34567]) {
    assert.ok(iot.tcp.includes(p), `iot has ${p}`)
  }
  assert.deepEqual(parsePortSpec('mirai,U:161'), { tcp: [23, 2323], udp: [161] })
  assert.deepEqual(parsePortSpec('iot-udp').udp, [161, 1900, 5683])
  assert.deepEqual(parsePortSpec('IOT'), iot)
})

test('bad port lists are usage errors naming the place', () => {
  const cases: [string, RegExp][] = [
    ['', /empty/],
    ['22,,80', /character 4: empty item/],
    ['0', /out of range/],
    ['65536', /out of range/],
    ['100-20', /goes backwards/],
    ['http', /"http" is not a port, range or preset/],
    ['22;80', /not a port/],
    ['X:22', /not a port/],
    ['U:', /empty item/],
    ['1-2-3', /not a port/],
  ]
  for (const [text, pattern] of cases) {
    assert.throws(
      () => parsePortSpec(text),
      (err) =>
        isMamoriError(err) &&
        err.code === 'ERR_PORT_SYNTAX' &&
        err.exitCode === 2 &&
        pattern.test(err.message),
      text,
    )
  }
})

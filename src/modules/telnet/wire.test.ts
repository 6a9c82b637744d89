import assert from 'node:assert/strict'
import { test } from 'node:test'
import { fuzz, randomBytes } from '../../testing/fuzz.js'
import { answer, parseTelnet } from './wire.js'

test('separates negotiations, subnegotiations and text; unescapes IAC IAC', () => {
  const input = Buffer.from([
    0xff, 0xfd, 0x01, 0xff, 0xfb, 0x03, 0x41, 0xff, 0xff, 0x42, 0xff, 0xfa, 0x18, 0x01, 0xff, 0xf0, 0x43,
  ])
  const out = parseTelnet(input)
  assert.deepEqual(out.negotiations, [
    { verb: 'do', option: 1 },
    { verb: 'will', option: 3 },
  ])
  assert.deepEqual(out.subnegotiations, [0x18])
  assert.deepEqual([...out.text], [0x41, 0xff, 0x42, 0x43])
  assert.equal(out.rest.length, 0)
})

test("subnegotiation payloads for servers: Mirai's NAWS 80x24, a terminal type, an escaped 255 width", () => {
  const naws = parseTelnet(
    Buffer.from([0xff, 0xfb, 0x1f, 0xff, 0xfa, 0x1f, 0x00, 0x50, 0x00, 0x18, 0xff, 0xf0]),
  )
  assert.deepEqual(naws.subnegotiationData, [{ option: 31, data: Buffer.from([0, 80, 0, 24]) }])
  const ttype = parseTelnet(Buffer.from([0xff, 0xfa, 0x18, 0x00, 0x76, 0x74, 0xff, 0xf0, 0x41]))
  assert.deepEqual(ttype.subnegotiationData, [{ option: 24, data: Buffer.from([0, 0x76, 0x74]) }])
  assert.deepEqual([...ttype.text], [0x41])
  const wide = parseTelnet(Buffer.from([0xff, 0xfa, 0x1f, 0x00, 0xff, 0xff, 0x00, 0x18, 0xff, 0xf0]))
  assert.deepEqual([...(wide.subnegotiationData[0]?.data ?? [])], [0, 255, 0, 24])
})

test('an unfinished command at the end of a chunk is kept for the next one', () => {
  const first = parseTelnet(Buffer.from([0x41, 0xff, 0xfd]))
  assert.deepEqual([...first.text], [0x41])
  assert.deepEqual([...first.rest], [0xff, 0xfd])
  const second = parseTelnet(Buffer.concat([first.rest, Buffer.from([0x1f, 0x42])]))
  assert.deepEqual(second.negotiations, [{ verb: 'do', option: 31 }])
  assert.deepEqual([...second.text], [0x42])
})

test('answers politely: refuses what it is asked to do, accepts only ECHO and SGA from the server', () => {
  assert.deepEqual([...(answer({ verb: 'do', option: 31 }) ?? [])], [0xff, 0xfc, 31])
  assert.deepEqual([...(answer({ verb: 'will', option: 1 }) ?? [])], [0xff, 0xfd, 1])
  assert.deepEqual([...(answer({ verb: 'will', option: 24 }) ?? [])], [0xff, 0xfe, 24])
  assert.equal(answer({ verb: 'wont', option: 1 }), undefined)
})

test('random bytes never throw and never lose text bytes that are not commands', () => {
  fuzz(
    12345,
    2000,
    (rng) => Buffer.concat([Buffer.from([rng.int(256)]), randomBytes(rng, 63)]),
    (bytes) => {
      const out = parseTelnet(bytes)
      assert.ok(out.text.length + out.rest.length <= bytes.length)
    },
  )
})

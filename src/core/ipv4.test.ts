import assert from 'node:assert/strict'
import { test } from 'node:test'
import { cidrRange, formatIPv4, parseDottedIPv4, parseIPv4 } from './ipv4.js'

const LOOPBACK_1 = 0x7f000001

test('every inet_aton spelling of 127.0.0.1 normalises to the same address', () => {
  for (const s of [
    '127.0.0.1',
    '127.1',
    '127.0.1',
    '2130706433',
    '0x7f000001',
    '0X7F000001',
    '0177.0.0.1',
    '0x7f.1',
    '017700000001',
    '::ffff:127.0.0.1',
    '[::ffff:127.0.0.1]',
    '::FFFF:7f00:1',
    '0:0:0:0:0:ffff:7f00:0001',
  ]) {
    assert.equal(parseIPv4(s), LOOPBACK_1, s)
  }
})

test('spellings that are not IPv4 addresses are rejected', () => {
  for (const s of [
    '',
    '256.0.0.1',
    '1.2.3.4.5',
    '127.0.0.256',
    '127.16777216',
    '4294967296',
    '0x1ffffffff',
    '08.0.0.1',
    '1..2',
    '::1',
    '::ffff:1:2:3',
    '2001:db8::1',
    '1.2.3.-4',
    'example.com',
  ]) {
    assert.equal(parseIPv4(s), undefined, s)
  }
})

test('formatIPv4 round-trips', () => {
  assert.equal(formatIPv4(LOOPBACK_1), '127.0.0.1')
  assert.equal(formatIPv4(0xffffffff), '255.255.255.255')
  assert.equal(parseIPv4(formatIPv4(0xc0a80001)), 0xc0a80001)
})

test('the dotted form takes four decimal octets and no other spelling; a CIDR ignores host bits', () => {
  assert.equal(parseDottedIPv4('127.16.0.5'), 0x7f100005)
  for (const s of [
    '127.1',
    '2130706433',
    '0x7f.0.0.1',
    '127.0.0.256',
    '1.2.3.4.',
    '1..2.3',
    ' 1.2.3.4',
    '1.2.3.1000',
  ])
    assert.equal(parseDottedIPv4(s), undefined, s)
  assert.deepEqual(cidrRange('127.16.3.77/24'), { lo: 0x7f100300, hi: 0x7f1003ff })
  assert.deepEqual(cidrRange('127.16.3.77'), { lo: 0x7f10034d, hi: 0x7f10034d })
  for (const s of ['127.16.3.0/33', '127.1/8', '127.16.3.0/8/8', '127.16.3.0/x'])
    assert.equal(cidrRange(s), undefined, s)
})

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { parseAddressSpec } from './address-spec.js'

test('CIDRs, ranges and short ranges become address sets', () => {
  assert.equal(parseAddressSpec('127.16.0.0/16')?.size, 65536)
  assert.equal(parseAddressSpec('127.16.3.77/24')?.toString(), '127.16.3.0-127.16.3.255')
  assert.equal(parseAddressSpec('127.16.0.1-127.16.0.99')?.size, 99)
  assert.equal(parseAddressSpec('127.16.0.1-99')?.size, 99)
  assert.equal(parseAddressSpec('0x7f100000/16')?.toString(), '127.16.0.0-127.16.255.255')
  assert.equal(parseAddressSpec('0.0.0.0/0')?.size, 2 ** 32)
  for (const bad of [
    '127.16.0.0/33',
    '127.16.0.0/',
    '127.16.0.9-127.16.0.1',
    '127.16.0.1-300',
    'a/8',
    '/8',
  ]) {
    assert.equal(parseAddressSpec(bad), undefined, bad)
  }
})

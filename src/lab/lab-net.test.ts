import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { MamoriError } from '../core/errors.js'
import { parseDottedIPv4 } from '../core/ipv4.js'
import { defaultDeviceCount, parseLabNet, pickAddresses, usableCount } from './lab-net.js'
import { SeededRandom } from './seeded-random.js'

describe('lab net', () => {
  it('normalises a loopback CIDR', () => {
    assert.deepEqual(parseLabNet('127.16.9.77/16'), {
      cidr: '127.16.0.0/16',
      first: parseDottedIPv4('127.16.0.0'),
      size: 65536,
    })
  })

  it('refuses non-loopback blocks with exit code 2 and bad syntax with a usage error', () => {
    for (const bad of ['10.0.0.0/8', '0.0.0.0/0', '126.0.0.0/7', '128.0.0.1/32', '192.168.1.0/24']) {
      assert.throws(
        () => parseLabNet(bad),
        (e: unknown) => e instanceof MamoriError && e.code === 'ERR_SCOPE_REFUSED' && e.exitCode === 2,
        bad,
      )
    }
    for (const bad of [
      '',
      '127.16.0.0',
      '127.16.0.0/33',
      '127.300.0.0/16',
      '127.16.0.0/-1',
      'lo',
      '127.16.0.0/16/2',
    ]) {
      assert.throws(
        () => parseLabNet(bad),
        (e: unknown) => e instanceof MamoriError && e.code === 'ERR_USAGE',
        bad,
      )
    }
  })

  it('never hands out 127.0.0.1, .0 or .255', () => {
    const net = parseLabNet('127.0.0.0/24')
    assert.equal(usableCount(net), 253)
    const all = pickAddresses(net, 253, new SeededRandom(1))
    assert.equal(new Set(all).size, 253)
    assert.ok(!all.includes('127.0.0.1') && !all.some((ip) => /\.(0|255)$/.test(ip)))
    assert.throws(() => pickAddresses(net, 254, new SeededRandom(1)), /room for 253/)
  })

  it('places sparse picks inside the block, distinct', () => {
    const net = parseLabNet('127.18.0.0/16')
    const ips = pickAddresses(net, 500, new SeededRandom(3))
    assert.equal(new Set(ips).size, 500)
    assert.ok(ips.every((ip) => ip.startsWith('127.18.') && !/\.(0|255)$/.test(ip)))
  })

  it('sizes the default lab: ~10 devices in a /24, ~300 in a /16', () => {
    assert.equal(defaultDeviceCount(parseLabNet('127.16.0.0/24')), 10)
    assert.equal(defaultDeviceCount(parseLabNet('127.16.0.0/16')), 300)
    assert.equal(defaultDeviceCount(parseLabNet('127.16.0.0/30')), 1)
    assert.equal(defaultDeviceCount(parseLabNet('127.16.0.8/31')), 1)
    assert.equal(defaultDeviceCount(parseLabNet('127.16.0.0/32')), 0)
  })
})

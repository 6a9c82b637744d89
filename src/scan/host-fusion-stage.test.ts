import assert from 'node:assert/strict'
import { test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import type { ScanRecord } from '../core/record.js'
import { scanRecord } from '../testing/scan-record.js'
import { type HostFusionLimits, HostFusionStage } from './host-fusion-stage.js'

function service(ip: string, port: number, vendor?: string): ScanRecord {
  return scanRecord({ ip, port, fingerprint: { ...(vendor ? { vendor } : {}), cpe: [] } })
}

/** A stage whose releases are listed as `ip:port vendor` (vendor or '-'). */
function stage(limits?: HostFusionLimits) {
  const out: string[] = []
  const s = new HostFusionStage<string>((r, item) => {
    assert.equal(item, `${r.ip}:${r.port}`, 'each record leaves with its own item')
    out.push(`${item} ${r.fingerprint?.vendor ?? '-'}`)
  }, limits)
  const admit = (r: ScanRecord) => s.admit(r, `${r.ip}:${r.port}`)
  return { s, out, admit }
}

test('a vendorless service waits for its host to name a vendor, then goes on with it', () => {
  const { s, out, admit } = stage()
  const telnet = service('127.0.0.1', 23)
  admit(telnet)
  admit(service('127.0.0.2', 23))
  assert.deepEqual(out, [])
  assert.equal(s.size, 2)
  admit(service('127.0.0.1', 37777, 'Dahua'))
  assert.deepEqual(out, ['127.0.0.1:37777 Dahua', '127.0.0.1:23 Dahua'])
  assert.deepEqual(telnet.fingerprint?.inferred, { fields: ['vendor'], from: 'tcp/37777' })
  // a later service of a known host does not wait
  admit(service('127.0.0.1', 9527))
  assert.equal(out.at(-1), '127.0.0.1:9527 Dahua')
  assert.equal(s.size, 1, 'the other host still waits')
  s.flush()
  assert.equal(out.at(-1), '127.0.0.2:23 -')
  assert.equal(s.size, 0)
})

test('a host that names two vendors gives none to its other services', () => {
  const { out, admit } = stage()
  admit(service('127.0.0.1', 80, 'TP-Link'))
  admit(service('127.0.0.1', 8080, 'Hikvision'))
  admit(service('127.0.0.1', 23))
  assert.deepEqual(out, ['127.0.0.1:80 TP-Link', '127.0.0.1:8080 Hikvision', '127.0.0.1:23 -'])
  // a conflict releases what waited without a vendor: no later service can settle it
  const b = stage()
  b.admit(service('127.0.0.3', 23))
  b.admit(service('127.0.0.3', 80, 'Axis'))
  b.admit(service('127.0.0.3', 81, 'Hikvision'))
  b.admit(service('127.0.0.3', 22))
  assert.deepEqual(b.out, [
    '127.0.0.3:80 Axis',
    '127.0.0.3:23 Axis',
    '127.0.0.3:81 Hikvision',
    '127.0.0.3:22 -',
  ])
})

test('past the count cap the oldest held record goes on without a vendor', () => {
  const { s, out, admit } = stage({ maxHeld: 3 })
  for (let h = 1; h <= 5; h++) admit(service(`127.0.0.${h}`, 23))
  assert.deepEqual(out, ['127.0.0.1:23 -', '127.0.0.2:23 -'])
  assert.equal(s.size, 3)
  admit(service('127.0.0.4', 80, 'ZTE'))
  assert.deepEqual(out.slice(2), ['127.0.0.4:80 ZTE', '127.0.0.4:23 ZTE'])
  s.flush()
  assert.deepEqual(out.slice(4), ['127.0.0.3:23 -', '127.0.0.5:23 -'])
})

test('past the age cap a held record goes on without a vendor, even when nothing else arrives', async () => {
  const { s, out, admit } = stage({ maxAgeMs: 40 })
  admit(service('127.0.0.1', 23))
  await sleep(150)
  assert.deepEqual(out, ['127.0.0.1:23 -'], 'released by the timer with nothing else arriving')
  assert.equal(s.size, 0)
  // the host's vendor came too late for it, and nothing waits any more
  admit(service('127.0.0.1', 80, 'Realtek'))
  assert.deepEqual(out, ['127.0.0.1:23 -', '127.0.0.1:80 Realtek'])
  s.close()
})

test('the hosts remembered are bounded: a forgotten host makes its later services wait again', () => {
  const { s, out, admit } = stage({ maxHosts: 2 })
  admit(service('127.0.0.1', 80, 'Netgear'))
  admit(service('127.0.0.2', 80, 'Netgear'))
  admit(service('127.0.0.3', 80, 'Netgear'))
  admit(service('127.0.0.3', 23))
  admit(service('127.0.0.1', 23))
  assert.deepEqual(out.slice(3), ['127.0.0.3:23 Netgear'])
  assert.equal(s.size, 1)
  s.flush()
  assert.deepEqual(out.slice(4), ['127.0.0.1:23 -'])
})

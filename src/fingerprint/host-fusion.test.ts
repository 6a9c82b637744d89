import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { Fingerprint, ScanRecord } from '../core/record.js'
import { scanRecord } from '../testing/scan-record.js'
import { FingerprintEngine } from './fingerprint-engine.js'
import { decideHost, evidenceOf, fuseHosts, HOST_FUSION_RULE, inheritIdentity } from './host-fusion.js'

function service(ip: string, port: number, fingerprint?: Fingerprint): ScanRecord {
  return scanRecord({ ip, port, ...(fingerprint ? { fingerprint } : {}) })
}

test("a service that names no vendor gets the one its host's other services name, marked inferred", () => {
  // the lab's Xiongmai DVR: its console on 9527 prints only "username:", its web server names Xiongmai
  const engine = FingerprintEngine.load()
  const telnet = service(
    '127.0.0.9',
    9527,
    engine.fingerprint([{ key: 'telnet.banner', value: 'username:' }], 9527),
  )
  const http = service(
    '127.0.0.9',
    80,
    engine.fingerprint([{ key: 'http.server', value: 'uc-httpd 1.0.0' }], 80),
  )
  assert.equal(telnet.fingerprint?.vendor, undefined)
  assert.equal(http.fingerprint?.vendor, 'Xiongmai')
  const ownRule = telnet.fingerprint?.rule
  assert.equal(fuseHosts([telnet, http]), 1)
  assert.equal(telnet.fingerprint?.vendor, 'Xiongmai')
  assert.equal(telnet.fingerprint?.device_type, 'dvr')
  assert.deepEqual(telnet.fingerprint?.inferred, { fields: ['vendor', 'device_type'], from: 'tcp/80' })
  assert.equal(telnet.fingerprint?.rule, ownRule, 'what the banner itself matched stays')
  assert.equal(http.fingerprint?.inferred, undefined, 'evidence is not marked as inference')
})

test('a host whose services name two different vendors is left alone', () => {
  // a router forwarding a port to a camera
  const records = [
    service('127.0.0.9', 80, { vendor: 'TP-Link', device_type: 'router', cpe: [] }),
    service('127.0.0.9', 8080, { vendor: 'Hikvision', device_type: 'camera', cpe: [] }),
    service('127.0.0.9', 23, { product: 'BusyBox telnetd', cpe: [] }),
  ]
  assert.equal(fuseHosts(records), 0)
  assert.equal(records[2]?.fingerprint?.vendor, undefined)
  assert.deepEqual(
    records.map((r) => r.fingerprint?.vendor),
    ['TP-Link', 'Hikvision', undefined],
  )
})

test('vendors agree whatever their case and punctuation; the first spelling is used', () => {
  const records = [
    service('127.0.0.9', 80, { vendor: 'TP-LINK', cpe: [] }),
    service('127.0.0.9', 443, { vendor: 'TP-Link', cpe: [] }),
    service('127.0.0.9', 22, { product: 'Dropbear', cpe: [] }),
  ]
  assert.equal(fuseHosts(records), 1)
  assert.equal(records[2]?.fingerprint?.vendor, 'TP-LINK')
  assert.equal(records[1]?.fingerprint?.vendor, 'TP-Link', 'an own vendor is never rewritten')
})

test('a service with no fingerprint at all gets a minimal one naming the fusion', () => {
  const silent = service('127.0.0.9', 9527)
  fuseHosts([silent, service('127.0.0.9', 80, { vendor: 'Xiongmai', cpe: ['cpe:2.3:h:xiongmai:x:*'] })])
  assert.deepEqual(silent.fingerprint, {
    vendor: 'Xiongmai',
    cpe: [],
    rule: HOST_FUSION_RULE,
    inferred: { fields: ['vendor'], from: 'tcp/80' },
  })
})

test('the device type is inferred only when every service naming one agrees, and never replaces its own', () => {
  const dahua = [
    service('127.0.0.9', 23),
    service('127.0.0.9', 554, { vendor: 'Dahua', device_type: 'camera', cpe: [] }),
    service('127.0.0.9', 37777, { vendor: 'Dahua', device_type: 'dvr', cpe: [] }),
  ]
  fuseHosts(dahua)
  assert.equal(dahua[0]?.fingerprint?.vendor, 'Dahua')
  assert.equal(dahua[0]?.fingerprint?.device_type, undefined)
  const realtek = [
    service('127.0.0.9', 80, { device_type: 'router', cpe: [] }),
    service('127.0.0.9', 23, { vendor: 'Realtek', device_type: 'gateway', cpe: [] }),
  ]
  fuseHosts(realtek)
  assert.equal(realtek[0]?.fingerprint?.device_type, 'router')
  assert.deepEqual(realtek[0]?.fingerprint?.inferred, { fields: ['vendor'], from: 'tcp/23' })
})

test('hosts do not mix, an inference is not evidence, and a generic platform name is no maker', () => {
  const a = service('127.0.0.9', 23)
  const b = service('127.0.0.10', 23)
  const records = [a, b, service('127.0.0.9', 80, { vendor: 'Netgear', cpe: [] })]
  fuseHosts(records)
  assert.equal(a.fingerprint?.vendor, 'Netgear')
  assert.equal(b.fingerprint, undefined)
  // a stored record carries its inference: fusing again with another vendor finds no conflict in it
  assert.equal(evidenceOf(a), undefined)
  assert.equal(decideHost([{ vendor: 'Synology', from: 'tcp/5000' }])?.vendor, 'Synology')
  // Recog calls an OpenWrt access point's maker "Linux": it neither spreads nor conflicts
  const wap = service('127.0.0.11', 80, { vendor: 'Linux', device_type: 'router', cpe: [] })
  const ssh = service('127.0.0.11', 22)
  assert.equal(fuseHosts([wap, ssh]), 0)
  assert.equal(evidenceOf(wap), undefined)
  const both = [wap, ssh, service('127.0.0.11', 443, { vendor: 'TP-Link', cpe: [] })]
  assert.equal(fuseHosts(both), 1)
  assert.equal(ssh.fingerprint?.vendor, 'TP-Link')
  assert.equal(wap.fingerprint?.vendor, 'Linux', 'its own vendor stays')
  assert.equal(inheritIdentity(wap, { vendor: 'TP-Link', from: 'tcp/443' }), false)
})

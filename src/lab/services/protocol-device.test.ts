import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { createAssessEnricher } from '../../assess/assess-enricher.js'
import type { ProtocolModule } from '../../core/protocol-module.js'
import type { ScanRecord } from '../../core/record.js'
import { tlsLayer } from '../../grab/tls/tls-layer.js'
import { adbModule } from '../../modules/adb/index.js'
import { coapModule } from '../../modules/coap/index.js'
import { dahuaModule } from '../../modules/dahua/index.js'
import { dvripModule } from '../../modules/dvrip/index.js'
import { ftpModule } from '../../modules/ftp/index.js'
import { builtinModules } from '../../modules/index.js'
import { modbusModule } from '../../modules/modbus/index.js'
import { mqttModule } from '../../modules/mqtt/index.js'
import { onvifModule } from '../../modules/onvif/index.js'
import { rtspModule } from '../../modules/rtsp/index.js'
import { snmpModule } from '../../modules/snmp/index.js'
import { tr069Module } from '../../modules/tr069/index.js'
import { upnpModule } from '../../modules/upnp/index.js'
import { grabOnce } from '../../testing/protocol-peer.js'
import { type RunningLab, startLab } from '../lab.js'

// the protocols block, one /24 for this file
const NET = '127.70.30.0/24'
let lab: RunningLab

before(async () => {
  lab = await startLab({ net: NET, seed: 70, devices: 200 })
})
after(() => lab.stop())

const MODULES: Record<string, ProtocolModule<unknown>> = {
  rtsp: rtspModule as ProtocolModule<unknown>,
  mqtt: mqttModule as ProtocolModule<unknown>,
  ftp: ftpModule as ProtocolModule<unknown>,
  adb: adbModule as ProtocolModule<unknown>,
  dvrip: dvripModule as ProtocolModule<unknown>,
  modbus: modbusModule as ProtocolModule<unknown>,
  snmp: snmpModule as ProtocolModule<unknown>,
  coap: coapModule as ProtocolModule<unknown>,
  upnp: upnpModule as ProtocolModule<unknown>,
  tls: tlsLayer(builtinModules) as ProtocolModule<unknown>,
  tr069: tr069Module as ProtocolModule<unknown>,
  onvif: onvifModule as ProtocolModule<unknown>,
  dahua: dahuaModule as ProtocolModule<unknown>,
}

test('every lab service of the protocol modules is grabbed successfully and matches the truth', async () => {
  const seen = new Set<string>()
  const assess = createAssessEnricher()
  let sharedCertificates = 0
  for (const device of lab.truth.devices) {
    for (const service of device.services) {
      const module = MODULES[service.protocol]
      if (!module) continue
      seen.add(`${device.family}/${service.protocol}`)
      const out = await grabOnce(
        module,
        { ip: device.ip, port: service.port, transport: service.transport },
        {},
        {},
        { credentialAudit: true },
      )
      assert.equal(out.status, 'success', `${device.family} ${service.protocol}: ${out.error}`)
      const r = out.result as Record<string, unknown>
      switch (service.protocol) {
        case 'rtsp':
          assert.equal(
            r.server,
            service.product === 'Hipcam RealServer' ? 'Hipcam RealServer/V1.0' : 'Dahua Rtsp Server',
          )
          assert.equal(r.unauthenticated_stream !== undefined, service.auth === 'none', device.family)
          break
        case 'mqtt':
          assert.equal(r.anonymous, true)
          assert.equal(r.broker_version, `mosquitto version ${service.version}`)
          break
        case 'ftp':
          assert.equal(r.banner, 'DiskStation FTP server ready.')
          assert.equal(r.anonymous, false)
          break
        case 'adb':
          assert.equal(r.connected, true)
          assert.equal((r.properties as Record<string, string>)['ro.product.model'], service.product)
          break
        case 'dvrip':
          assert.equal(r.ret, 103)
          break
        case 'snmp':
          assert.equal(r.public_community, true)
          assert.match(String(r.sysdescr), /^HP ETHERNET MULTI-ENVIRONMENT/)
          assert.equal((r.engine as { enterprise: number }).enterprise, 11)
          break
        case 'coap':
          assert.deepEqual(
            (r.resources as { path: string }[]).map((x) => x.path),
            ['/sensors/temp', '/sensors/hum', '/actuators/relay'],
          )
          break
        case 'upnp':
          assert.equal(r.server, 'Linux UPnP/1.0 Huawei-ATP-IGD')
          assert.equal((r.responses as unknown[]).length, 3)
          break
        case 'tls': {
          const cert = r.cert as { subject: string; self_signed: boolean }
          assert.equal(cert.subject, 'CN=www.hikvision.com,OU=DVRNVR,O=HIKVISION,L=HangZhou,ST=ZheJiang,C=CN')
          assert.equal(cert.self_signed, true)
          assert.equal((r.wrapped as { protocol: string; status: string }).status, 'success')
          const record = { ip: device.ip, status: 'success', data: { tls: r } } as unknown as ScanRecord
          await assess.enrich(record)
          if (record.findings?.some((f) => f.type === 'default-certificate')) sharedCertificates++
          break
        }
        case 'onvif':
          assert.equal(r.onvif, true)
          assert.equal(r.device_information_open, false)
          assert.equal(r.device_information_refused, 'ter:NotAuthorized')
          break
        case 'dahua':
          assert.equal(r.dhip, true)
          assert.equal(r.error_message, 'Invalid session in request data!')
          break
        case 'tr069':
          assert.equal(r.server, 'RomPager/4.07 UPnP/1.0')
          assert.deepEqual(r.cwmp_evidence, ['server'])
          break
        case 'modbus':
          assert.equal(r.vendor_name, 'Schneider Electric')
          assert.equal(r.product_code, service.product)
          assert.equal(r.revision, service.version)
          break
      }
    }
  }
  // every HTTPS camera after the first shares the first one's certificate
  const https = lab.truth.devices.filter((d) => d.services.some((x) => x.protocol === 'tls')).length
  assert.equal(sharedCertificates, https - 1)
  for (const kind of Object.keys(MODULES))
    assert.ok(
      [...seen].some((s) => s.endsWith(`/${kind}`)),
      `no ${kind} service in the lab: ${[...seen].join(' ')}`,
    )
})

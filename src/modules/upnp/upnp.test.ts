import assert from 'node:assert/strict'
import { test } from 'node:test'
import { fuzz, onlyProtocolError, pieces } from '../../testing/fuzz.js'
import { grabOnce, tcpPeer, udpPeer } from '../../testing/protocol-peer.js'
import { upnpModule } from './index.js'
import { maskSerial, parseDescription, parseSsdpReply, sameHostUrl } from './wire.js'

const IP = '127.70.6.1'

const DESCRIPTION = `<?xml version="1.0"?>
<root xmlns="urn:schemas-upnp-org:device-1-0"><specVersion><major>1</major><minor>0</minor></specVersion>
<device><deviceType>urn:schemas-upnp-org:device:InternetGatewayDevice:1</deviceType>
<friendlyName>Home Router</friendlyName><manufacturer>Example Networks</manufacturer>
<modelName>EX-1000</modelName><modelNumber>v2</modelNumber><serialNumber>SN123456789</serialNumber>
<serviceList><service><serviceType>urn:schemas-upnp-org:service:Layer3Forwarding:1</serviceType></service></serviceList>
<deviceList><device><deviceType>urn:schemas-upnp-org:device:WANDevice:1</deviceType><deviceList><device>
<serviceList><service><serviceType>urn:schemas-upnp-org:service:WANIPConnection:1</serviceType></service></serviceList>
</device></deviceList></device></deviceList></device></root>`

function ssdp(location: string, st: string): Buffer {
  return Buffer.from(
    `HTTP/1.1 200 OK\r\nCACHE-CONTROL: max-age=120\r\nST: ${st}\r\nUSN: uuid:1234::${st}\r\nEXT:\r\n` +
      `SERVER: Linux/3.14 UPnP/1.0 MiniUPnPd/2.1\r\nLOCATION: ${location}\r\n\r\n`,
  )
}

test('M-SEARCH replies and the device description on the same host', async () => {
  const http = await tcpPeer(IP, async (s) => {
    await s.receive((b) => b.includes('\r\n\r\n'))
    s.socket.end(
      `HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: ${DESCRIPTION.length}\r\n\r\n${DESCRIPTION}`,
    )
  })
  const loc = `http://${IP}:${http.target.port}/rootDesc.xml`
  const peer = await udpPeer(IP, (req, send) => {
    if (!req.toString().startsWith('M-SEARCH')) return
    send(ssdp(loc, 'upnp:rootdevice'))
    send(ssdp(loc, 'urn:schemas-upnp-org:service:WANIPConnection:1'))
  })
  try {
    const out = await grabOnce(upnpModule, peer.target)
    assert.equal(out.status, 'success', out.error)
    assert.equal(out.result?.responses.length, 2)
    assert.equal(out.result?.server, 'Linux/3.14 UPnP/1.0 MiniUPnPd/2.1')
    assert.equal(out.result?.location, loc)
    const d = out.result?.description
    assert.equal(d?.manufacturer, 'Example Networks')
    assert.equal(d?.model_name, 'EX-1000')
    assert.equal(d?.serial_number, '*******6789')
    assert.deepEqual(d?.services, [
      'urn:schemas-upnp-org:service:Layer3Forwarding:1',
      'urn:schemas-upnp-org:service:WANIPConnection:1',
    ])
    const keys = upnpModule.describe(out.result as never).observations.map((o) => o.key)
    assert.deepEqual(keys, [
      'upnp.server',
      'upnp.manufacturer',
      'upnp.model',
      'upnp.model_number',
      'upnp.friendly_name',
    ])
  } finally {
    await Promise.all([peer.close(), http.close()])
  }
})

test('a LOCATION on another host is recorded, never fetched', async () => {
  const peer = await udpPeer(IP, (_r, send) => send(ssdp('http://192.0.2.10:80/desc.xml', 'upnp:rootdevice')))
  try {
    const out = await grabOnce(upnpModule, peer.target)
    assert.equal(out.status, 'success')
    assert.equal(out.result?.location_offhost, true)
    assert.equal(out.result?.description, undefined)
  } finally {
    await peer.close()
  }
})

test('bad input: not SSDP, amplification-sized reply, entity bomb in the description', async () => {
  const notSsdp = await udpPeer(IP, (_r, send) => send(Buffer.from('\x00\x01garbage')))
  const amplifier = await udpPeer(IP, (_r, send) => {
    for (let i = 0; i < 100; i++)
      send(Buffer.concat([ssdp('http://192.0.2.1/', 'x'), Buffer.alloc(9000, 0x20)]))
  })
  const bombXml = `<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]><root><device><friendlyName>&c;&c;&c;</friendlyName></device></root>`
  const http = await tcpPeer(IP, async (s) => {
    await s.receive((b) => b.includes('\r\n\r\n'))
    s.socket.end(`HTTP/1.1 200 OK\r\nContent-Length: ${bombXml.length}\r\n\r\n${bombXml}`)
  })
  const bomb = await udpPeer(IP, (_r, send) =>
    send(ssdp(`http://${IP}:${http.target.port}/d.xml`, 'upnp:rootdevice')),
  )
  try {
    const a = await grabOnce(upnpModule, notSsdp.target)
    assert.equal(a.status, 'protocol-error')
    const b = await grabOnce(upnpModule, amplifier.target, {}, { maxDatagramBytes: 2048, maxReplies: 8 })
    assert.equal(b.status, 'success')
    assert.ok((b.result?.responses.length ?? 99) <= 8)
    const c = await grabOnce(upnpModule, bomb.target)
    assert.equal(c.status, 'success')
    assert.ok((c.result?.description?.friendly_name ?? '').length < 300)
  } finally {
    await Promise.all([notSsdp.close(), amplifier.close(), bomb.close(), http.close()])
  }
})

test('wire: serial masking, same-host URLs, parser fuzz', () => {
  assert.equal(maskSerial('123'), '***')
  assert.equal(sameHostUrl('http://127.70.6.1:5000/x?y=1', '127.70.6.1')?.path, '/x?y=1')
  assert.equal(sameHostUrl('http://127.70.6.10/x', '127.70.6.1'), undefined)
  assert.equal(sameHostUrl('file:///etc/passwd', '127.70.6.1'), undefined)
  assert.equal(sameHostUrl('not a url', '127.70.6.1'), undefined)
  assert.throws(() => parseDescription('<html></html>'), { name: 'ProtocolError' })
  const bits = [
    '<root>',
    '<device>',
    '</device>',
    '</root>',
    '<modelName>',
    'x',
    '</modelName>',
    '<',
    '&',
    '"',
    '\n',
  ]
  const ssdpBits = ['HTTP/1.1 200 OK\r\n', 'SERVER: a\r\n', 'LOCATION:', ':', '\r\n', '\u00ff']
  fuzz(
    9,
    1500,
    (rng) => [pieces(rng, bits, 13), pieces(rng, ssdpBits, 7)] as const,
    ([xml, head]) => {
      onlyProtocolError(() => parseDescription(xml))
      onlyProtocolError(() => parseSsdpReply(Buffer.from(head, 'latin1')))
    },
  )
})

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { fuzz, onlyProtocolError } from '../../testing/fuzz.js'
import { grabOnce, type PeerSession, tcpPeer } from '../../testing/protocol-peer.js'
import { onvifModule } from './index.js'
import { soapBody } from './wire.js'

const IP = '127.70.13.1'

const TIME = `<?xml version="1.0"?><SOAP-ENV:Envelope xmlns:SOAP-ENV="http://www.w3.org/2003/05/soap-envelope" xmlns:tds="http://www.onvif.org/ver10/device/wsdl" xmlns:tt="http://www.onvif.org/ver10/schema"><SOAP-ENV:Body><tds:GetSystemDateAndTimeResponse><tds:SystemDateAndTime><tt:DateTimeType>NTP</tt:DateTimeType><tt:UTCDateTime><tt:Time><tt:Hour>10</tt:Hour><tt:Minute>5</tt:Minute><tt:Second>7</tt:Second></tt:Time><tt:Date><tt:Year>2026</tt:Year><tt:Month>11</tt:Month><tt:Day>25</tt:Day></tt:Date></tt:UTCDateTime></tds:SystemDateAndTime></tds:GetSystemDateAndTimeResponse></SOAP-ENV:Body></SOAP-ENV:Envelope>`
const INFO = `<?xml version="1.0"?><env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope" xmlns:tds="http://www.onvif.org/ver10/device/wsdl"><env:Body><tds:GetDeviceInformationResponse><tds:Manufacturer>IPCAM</tds:Manufacturer><tds:Model>C9F0SgZ3N0PfL2</tds:Model><tds:FirmwareVersion>V4.02.R11</tds:FirmwareVersion><tds:SerialNumber>0123456789abcdef</tds:SerialNumber><tds:HardwareId>00001</tds:HardwareId></tds:GetDeviceInformationResponse></env:Body></env:Envelope>`
const FAULT = `<?xml version="1.0"?><env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope" xmlns:ter="http://www.onvif.org/ver10/error"><env:Body><env:Fault><env:Code><env:Value>env:Sender</env:Value><env:Subcode><env:Value>ter:NotAuthorized</env:Value></env:Subcode></env:Code></env:Fault></env:Body></env:Envelope>`

function camera(infoOpen: boolean) {
  return async (s: PeerSession) => {
    const req = (await s.receive((b) => /<\/s:Envelope>/.test(b.toString()))).toString()
    const body = req.includes('GetSystemDateAndTime') ? TIME : infoOpen ? INFO : FAULT
    const code = body === FAULT ? '400 Bad Request' : '200 OK'
    s.socket.end(
      `HTTP/1.1 ${code}\r\nContent-Type: application/soap+xml\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    )
  }
}

test('device information open without credentials', async () => {
  const peer = await tcpPeer(IP, camera(true))
  try {
    const out = await grabOnce(onvifModule, peer.target)
    assert.equal(out.status, 'success', out.error)
    assert.deepEqual(out.result, {
      onvif: true,
      utc_time: '2026-11-25T10:05:07.000Z',
      device_information_open: true,
      manufacturer: 'IPCAM',
      model: 'C9F0SgZ3N0PfL2',
      firmware_version: 'V4.02.R11',
      hardware_id: '00001',
      serial_masked: '************cdef',
    })
  } finally {
    await peer.close()
  }
})

test('device information refused: the fault is recorded', async () => {
  const peer = await tcpPeer(IP, camera(false))
  try {
    const out = await grabOnce(onvifModule, peer.target)
    assert.equal(out.status, 'success', out.error)
    assert.equal(out.result?.device_information_open, false)
    assert.equal(out.result?.device_information_refused, 'ter:NotAuthorized')
  } finally {
    await peer.close()
  }
})

test('bad input: plain web server, not XML, truncated; SOAP parser fuzz', async () => {
  const peers = await Promise.all([
    tcpPeer(IP, (s) => s.socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\n\r\nnot found')),
    tcpPeer(IP, (s) => s.socket.end('HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n<<<<<')),
    tcpPeer(IP, (s) => s.socket.end('HTTP/1.1 200 OK\r\nContent-Le')),
  ])
  try {
    const outs = await Promise.all(peers.map((p) => grabOnce(onvifModule, p.target)))
    assert.deepEqual(
      outs.map((o) => o.status),
      ['protocol-error', 'protocol-error', 'io-error'],
    )
  } finally {
    await Promise.all(peers.map((p) => p.close()))
  }
  fuzz(
    31,
    1500,
    (rng) => TIME.slice(0, rng.int(TIME.length)),
    (cut) => onlyProtocolError(() => soapBody(cut)),
  )
})

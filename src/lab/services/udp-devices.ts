import { child, decode, int, octets, oid, seq, toInt, toOid } from '../../modules/snmp/ber.js'
import type { CoapServiceSpec, SnmpServiceSpec, UdpServiceSpec, UpnpServiceSpec } from './specs.js'

/** Answers one datagram (`send` replies to its sender); garbage is ignored, as devices do. */
export type DatagramHandler = (request: Buffer, send: (reply: Buffer) => void) => void

export function isUdpService(spec: { protocol: string }): spec is UdpServiceSpec {
  return spec.protocol === 'snmp' || spec.protocol === 'coap' || spec.protocol === 'upnp'
}

export function udpDevice(spec: UdpServiceSpec): DatagramHandler {
  const handler =
    spec.protocol === 'snmp'
      ? snmpAgent(spec)
      : spec.protocol === 'coap'
        ? coapServer(spec)
        : ssdpResponder(spec)
  return (request, send) => {
    try {
      handler(request, send)
    } catch {
      // malformed request: no answer
    }
  }
}

function snmpAgent(spec: SnmpServiceSpec): DatagramHandler {
  const engine = Buffer.alloc(12)
  engine.writeUInt32BE((0x80000000 | spec.enterprise) >>> 0, 0)
  engine[4] = 4 // text format
  Buffer.from('mamorilab').copy(engine, 5, 0, 7)
  const started = Date.now()
  return (request, send) => {
    const [message] = decode(request)
    const version = toInt(child(message, 0, 'version'))
    if (version === 3) {
      const time = Math.floor((Date.now() - started) / 1000)
      const usm = seq(0x30, octets(engine), int(1), int(time), octets(''), octets(''), octets(''))
      const vb = seq(0x30, seq(0x30, oid('1.3.6.1.6.3.15.1.1.4.0'), Buffer.from([0x41, 1, 1])))
      const global = child(message, 1, 'global data')
      const msgId = toInt(child(global, 0, 'message id'))
      const pdu = seq(0xa8, int(msgId), int(0), int(0), vb)
      send(
        seq(
          0x30,
          int(3),
          seq(0x30, int(msgId), int(65507), octets(Buffer.from([0])), int(3)),
          octets(usm),
          seq(0x30, octets(engine), octets(''), pdu),
        ),
      )
      return
    }
    if (child(message, 1, 'community').value.toString('latin1') !== spec.community) return // wrong community: silence
    const pdu = child(message, 2, 'PDU')
    const requestId = child(pdu, 0, 'request id')
    const bindings = (child(pdu, 3, 'varbinds').children ?? []).slice(0, 16).map((vb) => {
      const name = toOid(child(vb, 0, 'name'))
      const value =
        name === '1.3.6.1.2.1.1.1.0'
          ? octets(spec.sysdescr)
          : name === '1.3.6.1.2.1.1.2.0'
            ? oid(spec.sysobjectid)
            : Buffer.from([0x80, 0])
      return seq(0x30, oid(name), value)
    })
    const response = seq(
      0xa2,
      Buffer.concat([Buffer.from([0x02, requestId.value.length]), requestId.value]),
      int(0),
      int(0),
      seq(0x30, ...bindings),
    )
    send(seq(0x30, int(version), octets(spec.community), response))
  }
}

function coapServer(spec: CoapServiceSpec): DatagramHandler {
  return (request, send) => {
    if (request.length < 4 || (request[0] as number) >> 6 !== 1) return
    const tkl = (request[0] as number) & 0x0f
    const token = request.subarray(4, 4 + tkl)
    const path = request.subarray(4 + tkl).toString('latin1')
    const found = request[1] === 0x01 && path.includes('.well-known') && path.includes('core')
    send(
      Buffer.concat([
        Buffer.from([0x60 | tkl, found ? 0x45 : 0x84, request[2] as number, request[3] as number]),
        token,
        ...(found ? [Buffer.from([0xc1, 40, 0xff]), Buffer.from(spec.resources)] : []),
      ]),
    )
  }
}

function ssdpResponder(spec: UpnpServiceSpec): DatagramHandler {
  return (request, send) => {
    const text = request.toString('latin1')
    if (!text.startsWith('M-SEARCH * HTTP/1.1') || !/MAN:\s*"ssdp:discover"/i.test(text)) return
    const st = /^ST:\s*(.*?)\s*$/im.exec(text)?.[1] ?? 'ssdp:all'
    for (const target of spec.targets.filter((t) => st === 'ssdp:all' || st === t)) {
      send(
        Buffer.from(
          `HTTP/1.1 200 OK\r\nCACHE-CONTROL: max-age=1800\r\nEXT:\r\nLOCATION: ${spec.location}\r\n` +
            `SERVER: ${spec.server}\r\nST: ${target}\r\nUSN: uuid:mamori-lab::${target}\r\n\r\n`,
        ),
      )
    }
  }
}

import { ProtocolError } from '../../core/scan-status.js'
import { child, decode, int, NULL, octets, oid, seq, type Tlv, toInt, toOid } from './ber.js'

export const SYS_DESCR = '1.3.6.1.2.1.1.1.0'
export const SYS_OBJECT_ID = '1.3.6.1.2.1.1.2.0'

const GET_REQUEST = 0xa0
const RESPONSE = 0xa2
const REPORT = 0xa8

/** A v1 (0) or v2c (1) GetRequest for `oids` with `community`. */
export function getRequest(version: 0 | 1, community: string, requestId: number, oids: string[]): Buffer {
  const bindings = oids.map((o) => seq(0x30, oid(o), NULL))
  const pdu = seq(GET_REQUEST, int(requestId), int(0), int(0), seq(0x30, ...bindings))
  return seq(0x30, int(version), octets(community), pdu)
}

/**
 * SNMPv3 engine discovery (RFC 3414 §4): no user, no credential, reportable. An agent answers with
 * a Report carrying its engine ID, boots and time: whether SNMP answers, without a community string.
 */
export function discoveryRequest(messageId: number): Buffer {
  const global = seq(0x30, int(messageId), int(65507), octets(Buffer.from([0x04])), int(3))
  const usm = seq(0x30, octets(''), int(0), int(0), octets(''), octets(''), octets(''))
  const pdu = seq(GET_REQUEST, int(messageId), int(0), int(0), seq(0x30))
  return seq(0x30, int(3), global, octets(usm), seq(0x30, octets(''), octets(''), pdu))
}

interface VarBind {
  oid: string
  /** Decoded value: text for strings, dotted for OIDs, a number for integers; undefined for no-such-*. */
  value?: string | number
  /** BER tag of the value (0x80 noSuchObject, 0x81 noSuchInstance, 0x82 endOfMibView). */
  tag: number
}

export interface SnmpResponse {
  version: number
  community?: string
  error_status: number
  varbinds: VarBind[]
}

function top(data: Buffer): Tlv {
  const [message] = decode(data)
  if (message?.tag !== 0x30) throw new ProtocolError('not an SNMP message (no outer SEQUENCE)')
  return message
}

/** Parses a v1/v2c Response. Throws ProtocolError on anything else. */
export function parseResponse(data: Buffer): SnmpResponse {
  const message = top(data)
  const version = toInt(child(message, 0, 'version'))
  const community = child(message, 1, 'community')
  const pdu = child(message, 2, 'PDU')
  if (pdu.tag !== RESPONSE) throw new ProtocolError(`SNMP PDU 0x${pdu.tag.toString(16)} is not a Response`)
  const list = child(pdu, 3, 'variable bindings')
  const varbinds: VarBind[] = []
  for (const vb of list.children?.slice(0, 32) ?? []) {
    const name = child(vb, 0, 'varbind name')
    const value = child(vb, 1, 'varbind value')
    const bind: VarBind = { oid: toOid(name), tag: value.tag }
    if (value.tag === 0x04) bind.value = value.value.toString('latin1')
    else if (value.tag === 0x06) bind.value = toOid(value)
    else if (value.tag === 0x02) bind.value = toInt(value)
    varbinds.push(bind)
  }
  return {
    version,
    community: community.value.toString('latin1'),
    error_status: toInt(child(pdu, 1, 'error-status')),
    varbinds,
  }
}

export interface EngineInfo {
  engine_id: string
  /** IANA enterprise number from the engine ID (RFC 3411 SnmpEngineID), e.g. 8072 Net-SNMP. */
  enterprise?: number
  /** Engine ID format octet: 1 IPv4, 2 IPv6, 3 MAC, 4 text, 5 octets, 128+ enterprise-specific. */
  format?: number
  engine_boots: number
  engine_time: number
}

/** Parses the Report an agent sends to a discovery request. */
export function parseDiscoveryReport(data: Buffer): EngineInfo {
  const message = top(data)
  if (toInt(child(message, 0, 'version')) !== 3) throw new ProtocolError('discovery answer is not SNMPv3')
  const params = child(message, 2, 'security parameters')
  const [usm] = decode(params.value)
  const engine = child(usm, 0, 'engine ID').value
  const scoped = child(message, 3, 'scoped PDU')
  const pdu = scoped.children?.[2]
  if (pdu && pdu.tag !== REPORT && pdu.tag !== RESPONSE)
    throw new ProtocolError('SNMPv3 answer is not a Report')
  const info: EngineInfo = {
    engine_id: engine.subarray(0, 64).toString('hex'),
    engine_boots: toInt(child(usm, 1, 'engine boots')),
    engine_time: toInt(child(usm, 2, 'engine time')),
  }
  if (engine.length >= 5 && ((engine[0] as number) & 0x80) !== 0) {
    info.enterprise = engine.readUInt32BE(0) & 0x7fffffff
    info.format = engine[4] as number
  }
  return info
}

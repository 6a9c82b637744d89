import { randomInt } from 'node:crypto'
import { printable } from '../../core/printable.js'
import type { ProtocolModule } from '../../core/protocol-module.js'
import { IoTimeoutError } from '../../core/scan-status.js'
import type { UdpExchange } from '../../core/udp.js'
import { snmpPublic } from './findings.js'
import type { SnmpResult } from './result.js'
import {
  discoveryRequest,
  getRequest,
  parseDiscoveryReport,
  parseResponse,
  SYS_DESCR,
  SYS_OBJECT_ID,
} from './wire.js'

const COMMUNITY = 'public'

/** v2c then v1 GET of sysDescr and sysObjectID with `public`; undefined when neither answers. */
async function readSystem(udp: UdpExchange, result: SnmpResult): Promise<void> {
  for (const [version, label] of [
    [1, 'v2c'],
    [0, 'v1'],
  ] as const) {
    const id = randomInt(1, 0x7fffffff)
    let replies: Awaited<ReturnType<UdpExchange['request']>>
    try {
      replies = await udp.request(getRequest(version, COMMUNITY, id, [SYS_DESCR, SYS_OBJECT_ID]))
    } catch (err) {
      if (err instanceof IoTimeoutError) continue // a wrong community is answered with silence
      throw err
    }
    const response = parseResponse((replies[0] as { data: Buffer }).data)
    result.answers = true
    result.community_version = label
    result.public_community = response.error_status === 0
    for (const vb of response.varbinds) {
      if (vb.oid === SYS_DESCR && typeof vb.value === 'string')
        result.sysdescr = printable(Buffer.from(vb.value, 'latin1'), 1024)
      if (vb.oid === SYS_OBJECT_ID && typeof vb.value === 'string') result.sysobjectid = vb.value
    }
    return
  }
}

export const snmpModule: ProtocolModule<SnmpResult> = {
  name: 'snmp',
  description:
    'SNMPv3 engine discovery; with credential audit allowed, v2c/v1 public sysDescr and sysObjectID',
  transport: 'udp',
  defaultPorts: [161],
  // the community is tried only with the credential audit
  portPresets: { 'iot-udp': [161] },
  newResult: () => ({ answers: false, community_tried: false }),

  async grab({ udp, credentialAudit }, result) {
    result.community_tried = credentialAudit === true
    let lastError: unknown
    try {
      const [reply] = await udp.request(discoveryRequest(randomInt(1, 0x7fffffff)))
      result.engine = parseDiscoveryReport((reply as { data: Buffer }).data)
      result.answers = true
    } catch (err) {
      lastError = err // v1/v2c-only agents ignore v3: the community probe may still answer
    }
    if (credentialAudit) {
      try {
        await readSystem(udp, result)
      } catch (err) {
        lastError = err
      }
    }
    if (!result.answers) throw lastError ?? new Error('no answer')
  },

  describe(result) {
    const observations = []
    if (result.sysdescr) observations.push({ key: 'snmp.sysdescr', value: result.sysdescr })
    if (result.sysobjectid) observations.push({ key: 'snmp.sysobjectid', value: result.sysobjectid })
    if (result.engine?.enterprise !== undefined)
      observations.push({ key: 'snmp.engine_enterprise', value: String(result.engine.enterprise) })
    const banner =
      result.sysdescr ??
      (result.engine ? `SNMPv3 engine ${result.engine.engine_id}` : result.answers ? 'SNMP' : '')
    return { banner, observations }
  },
  matchKeys: ['snmp.sysdescr', 'snmp.sysobjectid', 'snmp.engine_enterprise'],
  findings: [snmpPublic],
}

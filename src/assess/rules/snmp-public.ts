import type { SnmpResult } from '../../modules/snmp/result.js'
import { type AssessRule, protocolData } from '../assess-rule.js'

/** The default community `public` reads the device's MIB (configuration, interfaces, sometimes more). */
export const snmpPublic: AssessRule = {
  type: 'snmp-public-community',
  assess(record) {
    const snmp = protocolData<SnmpResult>(record, 'snmp')
    if (!snmp?.public_community) return undefined
    return {
      type: this.type,
      severity: 'high',
      title: 'SNMP answers the default community "public"',
      detail: `${snmp.community_version ?? ''} sysDescr: ${snmp.sysdescr ?? ''}`.trim(),
    }
  },
}

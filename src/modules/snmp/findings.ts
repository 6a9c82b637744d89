import type { FindingRule } from '../../core/protocol-module.js'
import type { SnmpResult } from './result.js'

/** The default community `public` reads the device's MIB (configuration, interfaces, sometimes more). */
export const snmpPublic: FindingRule<SnmpResult> = {
  type: 'snmp-public-community',
  assess(snmp) {
    if (!snmp.public_community) return undefined
    return {
      type: this.type,
      severity: 'high',
      title: 'SNMP answers the default community "public"',
      detail: `${snmp.community_version ?? ''} sysDescr: ${snmp.sysdescr ?? ''}`.trim(),
    }
  },
}

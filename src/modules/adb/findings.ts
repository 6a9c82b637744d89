import type { FindingRule } from '../../core/protocol-module.js'
import type { AdbResult } from './result.js'

/** Android Debug Bridge on the network: without auth it is a root shell for anyone. */
export const adbExposed: FindingRule<AdbResult> = {
  type: 'adb-exposed',
  assess(adb) {
    if (!adb.reply) return undefined
    return {
      type: this.type,
      severity: adb.connected ? 'critical' : 'high',
      title: adb.connected
        ? 'ADB open without authentication'
        : 'ADB reachable (key authentication required)',
      detail: adb.connected
        ? `device banner: ${adb.properties?.['ro.product.model'] ?? adb.system_type ?? ''}`
        : `answered ${adb.reply}`,
    }
  },
}

import type { TelnetResult } from '../../modules/telnet/result.js'
import { type AssessRule, protocolData } from '../assess-rule.js'

/**
 * Telnet answering at all is what Mirai and its descendants scan for (23, 2323, 2223, 9527): the
 * password goes in clear text and the login can be brute-forced. A shell with no login is worse.
 */
export const telnetExposed: AssessRule = {
  type: 'telnet-exposed',
  assess(record) {
    const telnet = protocolData<TelnetResult>(record, 'telnet')
    if (!telnet) return undefined
    const openShell = telnet.prompt_kind === 'shell'
    return {
      type: this.type,
      severity: openShell ? 'critical' : 'high',
      title: openShell ? 'Telnet gives a shell without a login' : 'Telnet login exposed',
      detail: telnet.prompt ? `prompt: ${telnet.prompt}` : `port ${record.port}`,
    }
  },
}

import type { FindingRule } from '../../core/protocol-module.js'
import type { TelnetResult } from './result.js'

/**
 * Telnet answering at all is what Mirai and its descendants scan for (23, 2323, 2223, 9527): the
 * password goes in clear text and the login can be brute-forced. A shell with no login is worse.
 */
export const telnetExposed: FindingRule<TelnetResult> = {
  type: 'telnet-exposed',
  assess(telnet, record) {
    const openShell = telnet.prompt_kind === 'shell'
    return {
      type: this.type,
      severity: openShell ? 'critical' : 'high',
      title: openShell ? 'Telnet gives a shell without a login' : 'Telnet login exposed',
      detail: telnet.prompt ? `prompt: ${telnet.prompt}` : `port ${record.port}`,
    }
  },
}

import type { FindingRule } from '../../core/protocol-module.js'
import type { Tr069Result } from './result.js'

/** The CWMP connection-request port answering: the management channel Mirai variants attacked in 2016. */
export const tr069Exposed: FindingRule<Tr069Result> = {
  type: 'tr069-exposed',
  assess(tr) {
    if (tr.status_code === undefined) return undefined
    return {
      type: this.type,
      severity: 'medium',
      title: 'TR-069 (CWMP) management port reachable',
      detail: `HTTP ${tr.status_code}${tr.server ? `, Server ${tr.server}` : ''}${tr.cwmp_evidence.length ? `; evidence: ${tr.cwmp_evidence.join(', ')}` : ''}`,
    }
  },
}

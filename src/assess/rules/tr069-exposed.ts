import type { Tr069Result } from '../../modules/tr069/result.js'
import { type AssessRule, protocolData } from '../assess-rule.js'

/** The CWMP connection-request port answering: the management channel Mirai variants attacked in 2016. */
export const tr069Exposed: AssessRule = {
  type: 'tr069-exposed',
  assess(record) {
    const tr = protocolData<Tr069Result>(record, 'tr069')
    if (!tr || tr.status_code === undefined) return undefined
    return {
      type: this.type,
      severity: 'medium',
      title: 'TR-069 (CWMP) management port reachable',
      detail: `HTTP ${tr.status_code}${tr.server ? `, Server ${tr.server}` : ''}${tr.cwmp_evidence.length ? `; evidence: ${tr.cwmp_evidence.join(', ')}` : ''}`,
    }
  },
}

import type { FtpResult } from '../../modules/ftp/result.js'
import { type AssessRule, protocolData } from '../assess-rule.js'

/** Anonymous FTP on a device usually serves its recordings or its configuration. */
export const anonymousFtp: AssessRule = {
  type: 'anonymous-ftp',
  assess(record) {
    const ftp = protocolData<FtpResult>(record, 'ftp')
    if (!ftp?.anonymous) return undefined
    return {
      type: this.type,
      severity: 'medium',
      title: 'FTP allows anonymous login',
      detail: ftp.anonymous_reply ?? '',
    }
  },
}

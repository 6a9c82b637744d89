import type { FindingRule } from '../../core/protocol-module.js'
import type { FtpResult } from './result.js'

/** Anonymous FTP on a device usually serves its recordings or its configuration. */
export const anonymousFtp: FindingRule<FtpResult> = {
  type: 'anonymous-ftp',
  assess(ftp) {
    if (!ftp.anonymous) return undefined
    return {
      type: this.type,
      severity: 'medium',
      title: 'FTP allows anonymous login',
      detail: ftp.anonymous_reply ?? '',
    }
  },
}

import type { KexInit, SshIdent } from './wire.js'

export interface SshResult extends Partial<SshIdent> {
  /** Lines the server sent before its identification (RFC 4253 allows them). */
  preamble?: string
  kexinit?: KexInit
}

import { printable } from '../../core/printable.js'
import type { GrabOutcome, ProtocolModule } from '../../core/protocol-module.js'
import { statusFromError } from '../../core/scan-status.js'
import { sshLogin } from './login.js'
import type { SshResult } from './result.js'
import { findIdent, type KexInit, parseKexInitPacket } from './wire.js'

/** We announce ourselves honestly; servers log it. */
const CLIENT_IDENT = 'SSH-2.0-mamori_0.1\r\n'

export const sshModule: ProtocolModule<SshResult> = {
  name: 'ssh',
  description: 'SSH identification string and KEXINIT algorithm lists',
  transport: 'tcp',
  defaultPorts: [22, 2222, 22222],
  detect: (reply) => reply.subarray(0, 4).toString('latin1') === 'SSH-',

  async grab({ conn }): Promise<GrabOutcome<SshResult>> {
    const result: SshResult = {}
    try {
      let found: ReturnType<typeof findIdent>
      await conn.readUntil((b) => {
        found = findIdent(b)
        return found !== undefined
      })
      if (!found)
        return { status: 'io-error', result, error: 'connection closed before the SSH identification' }
      const { ident, end } = found
      Object.assign(result, ident)
      const preamble = conn.received.subarray(0, conn.received.indexOf('SSH-')).toString('latin1')
      if (preamble) result.preamble = printable(Buffer.from(preamble, 'latin1'))
      await conn.write(CLIENT_IDENT)
      const afterIdent = () => conn.received.subarray(end)
      let kex: KexInit | undefined
      await conn.readUntil(() => {
        kex = parseKexInitPacket(afterIdent())
        return kex !== undefined
      })
      if (kex) result.kexinit = kex
      return { status: 'success', result }
    } catch (err) {
      // an identification without KEXINIT still identifies the server
      const status = result.line ? 'success' : statusFromError(err)
      return { status, result, error: (err as Error).message }
    }
  },

  login: sshLogin,

  describe(result) {
    const banner = result.line ?? ''
    return { banner, observations: banner ? [{ key: 'ssh.banner', value: banner }] : [] }
  },
}

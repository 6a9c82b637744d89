import { printable } from '../../core/printable.js'
import type { ProtocolModule } from '../../core/protocol-module.js'
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
  portPresets: { iot: [22] },
  detect: (reply) => reply.subarray(0, 4).toString('latin1') === 'SSH-',

  newResult: () => ({}),

  async grab({ conn }, result) {
    let found: ReturnType<typeof findIdent>
    await conn.readUntil((b) => {
      found = findIdent(b)
      return found !== undefined
    })
    if (!found) throw new Error('connection closed before the SSH identification')
    const { ident, end } = found
    Object.assign(result, ident)
    const preamble = conn.received.subarray(0, conn.received.indexOf('SSH-')).toString('latin1')
    if (preamble) result.preamble = printable(Buffer.from(preamble, 'latin1'))
    try {
      await conn.write(CLIENT_IDENT)
      const afterIdent = () => conn.received.subarray(end)
      let kex: KexInit | undefined
      await conn.readUntil(() => {
        kex = parseKexInitPacket(afterIdent())
        return kex !== undefined
      })
      if (kex) result.kexinit = kex
    } catch (err) {
      // an identification without KEXINIT still identifies the server
      return { error: (err as Error).message }
    }
  },

  describe(result) {
    const banner = result.line ?? ''
    return { banner, observations: banner ? [{ key: 'ssh.banner', value: banner }] : [] }
  },
  matchKeys: ['ssh.banner'],
  // the identification line is what nmap's NULL probe hears
  nmapResponse: (result) =>
    result.line !== undefined ? { probe: 'NULL', text: `${result.line}\r\n` } : undefined,
  searchFields: [
    {
      name: 'ssh.version',
      type: 'text',
      facet: true,
      description: 'substring of the SSH software version',
      value: (r) => r.software,
    },
  ],
  login: sshLogin,
}

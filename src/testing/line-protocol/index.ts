import { printable } from '../../core/printable.js'
import type { ProtocolModule } from '../../core/protocol-module.js'
import { ProtocolError } from '../../core/scan-status.js'
import { lineLogin } from './login.js'
import { type LineResult, readLine } from './wire.js'

/**
 * LINE/1, a protocol made up for the tests: server-first TCP with a login, shaped like the ones
 * mamori grabs. It is not in the module list; the conformance tests add it to a copy of the list,
 * which is all a new protocol needs (this folder and that one line).
 *
 *   server: LINE/1 <product> ready
 *   client: USER <name>        server: PASS?   (or DENIED)
 *   client: PASS <password>    server: OK      (or DENIED)
 */
export const lineModule: ProtocolModule<LineResult> = {
  name: 'line',
  description: 'LINE/1 greeting and product (a test protocol)',
  transport: 'tcp',
  defaultPorts: [4111],
  portPresets: { iot: [4111] },
  detect: (reply) => reply.subarray(0, 7).toString('latin1') === 'LINE/1 ',
  newResult: () => ({ greeting: '' }),

  async grab({ conn }, result) {
    const line = await readLine(conn, 0)
    if (line === undefined) throw new Error('connection closed before the greeting')
    result.greeting = printable(Buffer.from(line.text, 'latin1'), 256)
    const product = /^LINE\/1 (\S{1,64}) ready$/.exec(line.text)?.[1]
    if (!product) throw new ProtocolError('not a LINE/1 greeting')
    result.product = printable(Buffer.from(product, 'latin1'), 64)
  },

  describe: (result) => ({
    banner: result.greeting,
    observations: result.product ? [{ key: 'line.product', value: result.product }] : [],
  }),
  matchKeys: ['line.product'],
  nmapResponse: (_result, banner) => (banner ? { probe: 'NULL', text: `${banner}\r\n` } : undefined),
  findings: [
    {
      type: 'line-login-exposed',
      assess: (result) =>
        result.product
          ? { type: 'line-login-exposed', severity: 'high', title: `LINE/1 login on ${result.product}` }
          : undefined,
    },
  ],
  login: lineLogin,
}

import { printable } from '../../core/printable.js'
import type { ProtocolModule } from '../../core/protocol-module.js'
import type { DahuaResult } from './result.js'
import { type DhipFrame, parseFrame, request } from './wire.js'

export const dahuaModule: ProtocolModule<DahuaResult> = {
  name: 'dahua',
  description:
    'Dahua private port (37777): a session-less DHIP JSON-RPC call identifies the service (no login)',
  transport: 'tcp',
  defaultPorts: [37777],
  portPresets: { iot: [37777] },
  detect: (reply) => reply.length >= 8 && reply.subarray(4, 8).toString('latin1') === 'DHIP',

  newResult: () => ({ dhip: false }),

  async grab({ conn }, result) {
    await conn.write(request(1, { id: 1, method: 'magicBox.getDeviceType', params: null, session: 0 }))
    let frame: DhipFrame | undefined
    await conn.readUntil((b) => {
      frame = parseFrame(b)
      return frame !== undefined
    })
    if (!frame) throw new Error('connection closed before a DHIP reply')
    result.dhip = true
    let body: Record<string, unknown> | undefined
    try {
      body = JSON.parse(frame.body.toString('utf8')) as Record<string, unknown>
    } catch {
      return { error: 'DHIP body is not JSON' }
    }
    const error = body?.error as { code?: unknown; message?: unknown } | undefined
    if (typeof error?.code === 'number') result.error_code = error.code
    if (typeof error?.message === 'string') result.error_message = printable(Buffer.from(error.message), 256)
    const type = (body?.params as { type?: unknown } | undefined)?.type
    if (typeof type === 'string') result.device_type = printable(Buffer.from(type), 128)
  },

  describe(result) {
    const observations = result.device_type ? [{ key: 'dahua.device_type', value: result.device_type }] : []
    const banner =
      result.device_type ??
      (result.dhip ? `DHIP${result.error_message ? ` ${result.error_message}` : ''}` : '')
    return { banner, observations }
  },
  matchKeys: ['dahua.device_type'],
}

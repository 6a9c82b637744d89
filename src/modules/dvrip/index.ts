import { printable } from '../../core/printable.js'
import type { ProtocolModule } from '../../core/protocol-module.js'
import type { DvripResult } from './result.js'
import { type DvripMessage, parseBody, parseMessage, request, SYSINFO_REQ } from './wire.js'

function text(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? printable(Buffer.from(v, 'utf8'), 128) : undefined
}

export const dvripModule: ProtocolModule<DvripResult> = {
  name: 'dvrip',
  description: 'Xiongmai DVRIP/Sofia (34567): login-less SystemInfo request, reply shape and Ret code',
  transport: 'tcp',
  defaultPorts: [34567],
  portPresets: { iot: [34567] },
  detect: (reply) =>
    reply.length >= 20 && reply[0] === 0xff && (reply[1] ?? 9) <= 1 && reply.readUInt32LE(16) < 65536,

  newResult: () => ({}),

  async grab({ conn }, result) {
    await conn.write(request(SYSINFO_REQ, { Name: 'SystemInfo', SessionID: '0x00000000' }))
    let message: DvripMessage | undefined
    await conn.readUntil((b) => {
      message = parseMessage(b)
      return message !== undefined
    })
    if (!message) throw new Error('connection closed before a DVRIP reply')
    result.version = message.version
    result.message_id = message.messageId
    const body = parseBody(message.body)
    if (typeof body?.Ret === 'number') result.ret = body.Ret
    const info = body?.SystemInfo as Record<string, unknown> | undefined
    if (info && typeof info === 'object') {
      const serial = text(info.SerialNo)
      result.system_info = {
        ...(text(info.DeviceModel) ? { device_model: text(info.DeviceModel) } : {}),
        ...(text(info.SoftWareVersion) ? { software_version: text(info.SoftWareVersion) } : {}),
        ...(text(info.HardWare) ? { hardware: text(info.HardWare) } : {}),
        ...(text(info.BuildTime) ? { build_time: text(info.BuildTime) } : {}),
        ...(serial
          ? { serial_masked: `${'*'.repeat(Math.max(0, serial.length - 4))}${serial.slice(-4)}` }
          : {}),
      }
    }
  },

  describe(result) {
    const s = result.system_info
    const observations = []
    if (s?.hardware) observations.push({ key: 'dvrip.hardware', value: s.hardware })
    if (s?.software_version) observations.push({ key: 'dvrip.software_version', value: s.software_version })
    const banner = s
      ? [s.hardware, s.software_version].filter(Boolean).join(' ')
      : `DVRIP reply ${result.message_id ?? '?'}${result.ret !== undefined ? ` Ret ${result.ret}` : ''}`
    return { banner, observations }
  },
  matchKeys: ['dvrip.hardware', 'dvrip.software_version'],
}

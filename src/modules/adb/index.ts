import { printable } from '../../core/printable.js'
import type { ProtocolModule } from '../../core/protocol-module.js'
import { adbExposed } from './findings.js'
import type { AdbResult } from './result.js'
import { type AdbMessage, connectMessage, parseBanner, parseMessage } from './wire.js'

export const adbModule: ProtocolModule<AdbResult> = {
  name: 'adb',
  description: 'Android Debug Bridge CNXN handshake and device banner (never opens a stream)',
  transport: 'tcp',
  defaultPorts: [5555],
  // ADB (TR-064 on some routers)
  portPresets: { iot: [5555] },
  detect: (reply) =>
    reply.length >= 4 && ['CNXN', 'AUTH', 'STLS'].includes(reply.subarray(0, 4).toString('latin1')),

  newResult: () => ({ connected: false, auth_required: false }),

  async grab({ conn }, result) {
    await conn.write(connectMessage())
    let message: AdbMessage | undefined
    await conn.readUntil((b) => {
      message = parseMessage(b)
      return message !== undefined
    })
    if (!message) throw new Error('connection closed before an ADB message')
    result.reply = message.command
    result.protocol_version = `0x${message.arg0.toString(16)}`
    if (message.command === 'CNXN') {
      result.connected = true
      const nul = message.payload.indexOf(0) // the banner is a C string
      const banner = parseBanner(
        printable(nul < 0 ? message.payload : message.payload.subarray(0, nul), 4096),
      )
      result.system_type = banner.system_type
      if (banner.serial) result.serial = banner.serial
      result.properties = banner.properties
      if (banner.features) result.features = banner.features
    } else {
      result.auth_required = true // we hold no key and offer none
    }
  },

  describe(result) {
    const p = result.properties ?? {}
    const observations = []
    for (const [key, name] of [
      ['ro.product.name', 'adb.product_name'],
      ['ro.product.model', 'adb.product_model'],
      ['ro.product.device', 'adb.product_device'],
    ] as const) {
      if (p[key]) observations.push({ key: name, value: p[key] })
    }
    const props = Object.entries(p)
      .map(([k, v]) => `${k}=${v}`)
      .join(';')
    const banner = result.connected
      ? `${result.system_type}::${props}`
      : result.reply
        ? `ADB ${result.reply}`
        : ''
    return { banner, observations }
  },
  matchKeys: ['adb.product_name', 'adb.product_model', 'adb.product_device'],
  findings: [adbExposed],
}

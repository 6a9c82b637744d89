import { ProtocolError } from '../../core/scan-status.js'

/** ADB transport messages (AOSP adb/protocol.txt): a 24-byte little-endian header, then the payload. */
export const A_CNXN = 0x4e584e43
export const A_AUTH = 0x48545541
const A_STLS = 0x534c5453
const A_VERSION = 0x01000001
const MAX_PAYLOAD = 256 * 1024

const NAMES: Record<number, string> = { [A_CNXN]: 'CNXN', [A_AUTH]: 'AUTH', [A_STLS]: 'STLS' }

export interface AdbMessage {
  command: string
  arg0: number
  arg1: number
  payload: Buffer
  length: number
}

/** Our CNXN: `host::` as a plain adb client announces itself. */
export function connectMessage(): Buffer {
  const payload = Buffer.from('host::\0')
  const header = Buffer.alloc(24)
  header.writeUInt32LE(A_CNXN, 0)
  header.writeUInt32LE(A_VERSION, 4)
  header.writeUInt32LE(MAX_PAYLOAD, 8)
  header.writeUInt32LE(payload.length, 12)
  header.writeUInt32LE(
    payload.reduce((s, b) => s + b, 0),
    16,
  )
  header.writeUInt32LE((A_CNXN ^ 0xffffffff) >>> 0, 20)
  return Buffer.concat([header, payload])
}

/** One message; undefined while incomplete; ProtocolError when the magic or the command is wrong. */
export function parseMessage(data: Buffer): AdbMessage | undefined {
  if (data.length >= 4 && NAMES[data.readUInt32LE(0)] === undefined) {
    throw new ProtocolError(`not an ADB message: ${JSON.stringify(data.subarray(0, 8).toString('latin1'))}`)
  }
  if (data.length < 24) return undefined
  const command = data.readUInt32LE(0)
  if (data.readUInt32LE(20) !== (command ^ 0xffffffff) >>> 0)
    throw new ProtocolError('ADB header magic mismatch')
  const length = data.readUInt32LE(12)
  if (length > MAX_PAYLOAD) throw new ProtocolError(`ADB payload of ${length} bytes`)
  if (data.length < 24 + length) return undefined
  return {
    command: NAMES[command] as string,
    arg0: data.readUInt32LE(4),
    arg1: data.readUInt32LE(8),
    payload: data.subarray(24, 24 + length),
    length: 24 + length,
  }
}

export interface DeviceBanner {
  /** `device`, `bootloader`, `recovery`, `sideload`, ... */
  system_type: string
  serial?: string
  properties: Record<string, string>
  features?: string[]
}

/** `device::ro.product.name=x;ro.product.model=y;features=a,b` (older: `device:serial:banner`). */
export function parseBanner(text: string): DeviceBanner {
  const clean = text.replace(/\0+$/, '')
  const first = clean.indexOf(':')
  const second = first < 0 ? -1 : clean.indexOf(':', first + 1)
  const type = first < 0 ? clean : clean.slice(0, first)
  const serial = first < 0 ? '' : clean.slice(first + 1, second < 0 ? undefined : second)
  const rest = second < 0 ? '' : clean.slice(second + 1)
  const out: DeviceBanner = { system_type: type.slice(0, 32), properties: {} }
  if (serial) out.serial = serial.slice(0, 64)
  for (const pair of rest.split(';').slice(0, 32)) {
    const eq = pair.indexOf('=')
    if (eq <= 0) continue
    const key = pair.slice(0, eq).slice(0, 64)
    const value = pair.slice(eq + 1).slice(0, 256)
    if (key === 'features') out.features = value.split(',').slice(0, 64)
    else out.properties[key] = value
  }
  return out
}

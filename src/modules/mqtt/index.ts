import { randomBytes } from 'node:crypto'
import type { Connection } from '../../core/connection.js'
import { printable } from '../../core/printable.js'
import type { ProtocolModule } from '../../core/protocol-module.js'
import { ProtocolError } from '../../core/scan-status.js'
import { openMqttBroker } from './findings.js'
import { mqttLogin } from './login.js'
import type { MqttConnack, MqttResult } from './result.js'
import {
  connectPacket,
  disconnectPacket,
  type MqttPacket,
  PUBLISH,
  parseConnack,
  parsePacket,
  parsePublish,
  RETURN_CODES,
  subscribePacket,
} from './wire.js'

const VERSION_TOPIC = '$SYS/broker/version'
/** How long an anonymous subscriber waits for the broker's retained version. */
const VERSION_WAIT_MS = 1500

class PacketReader {
  private offset = 0
  constructor(private readonly conn: Connection) {}

  async next(timeoutMs?: number): Promise<MqttPacket> {
    let packet: MqttPacket | undefined
    await this.conn.readUntil(() => {
      packet = parsePacket(this.conn.received.subarray(this.offset))
      return packet !== undefined
    }, timeoutMs)
    if (!packet) throw new Error('connection closed before a complete MQTT packet')
    this.offset += packet.length
    return packet
  }
}

function clientId(): string {
  return `mamori-${randomBytes(4).toString('hex')}`
}

async function connect(
  conn: Connection,
  version: 4 | 5,
): Promise<{ connack: MqttConnack; reader: PacketReader }> {
  const reader = new PacketReader(conn)
  await conn.write(connectPacket(version, clientId()))
  // a broker's first byte is CONNACK's: anything else is another protocol, whatever its length says
  await conn.readUntil((b) => b.length > 0)
  const first = conn.received[0]
  if (first === undefined) throw new Error('connection closed before CONNACK')
  if (first !== 0x20) {
    throw new ProtocolError(`not MQTT: first byte 0x${first.toString(16)} is not CONNACK`)
  }
  const parsed = parseConnack(await reader.next(), version)
  const connack: MqttConnack = {
    code: parsed.code,
    accepted: parsed.code === 0,
    session_present: parsed.session_present,
  }
  if (version === 4 && RETURN_CODES[parsed.code]) connack.meaning = RETURN_CODES[parsed.code]
  if (parsed.property_ids) connack.property_ids = parsed.property_ids
  return { connack, reader }
}

/** Subscribes to the version topic only, and waits a short bound for its (retained) message. */
async function brokerVersion(conn: Connection, reader: PacketReader): Promise<string | undefined> {
  await conn.write(subscribePacket(1, VERSION_TOPIC))
  const until = Date.now() + VERSION_WAIT_MS
  for (let i = 0; i < 32; i++) {
    const left = until - Date.now()
    if (left <= 0) return undefined
    const p = await reader.next(left).catch(() => undefined)
    if (!p) return undefined
    if (p.type !== PUBLISH) continue
    const pub = parsePublish(p)
    if (pub?.topic === VERSION_TOPIC) return printable(pub.payload, 128)
  }
  return undefined
}

export const mqttModule: ProtocolModule<MqttResult> = {
  name: 'mqtt',
  description: 'MQTT 3.1.1 and 5.0 anonymous CONNECT, CONNACK code, $SYS/broker/version when open',
  transport: 'tcp',
  defaultPorts: [1883],
  tlsPorts: [8883],
  portPresets: { iot: [1883, 8883] },
  detect: (reply) => reply[0] === 0x20 && (reply[1] ?? 0) >= 2 && (reply[1] ?? 0) < 64,

  newResult: () => ({ anonymous: false }),

  async grab({ conn, redial }, result) {
    const { connack, reader } = await connect(conn, 4)
    result.v311 = connack
    result.anonymous = connack.accepted
    if (connack.accepted) {
      const version = await brokerVersion(conn, reader)
      if (version) result.broker_version = version
      await conn.write(disconnectPacket()).catch(() => {})
    }
    try {
      const v5conn = await redial()
      const { connack } = await connect(v5conn, 5)
      result.v5 = connack
      result.anonymous ||= connack.accepted
      if (connack.accepted) await v5conn.write(disconnectPacket()).catch(() => {})
    } catch {
      // a 3.1.1-only broker may just close on a 5.0 CONNECT: that is its answer, not a failure
    }
  },

  describe(result) {
    const observations = []
    if (result.broker_version) observations.push({ key: 'mqtt.version', value: result.broker_version })
    const parts = []
    if (result.v311)
      parts.push(
        `MQTT 3.1.1 CONNACK ${result.v311.code}${result.v311.meaning ? ` (${result.v311.meaning})` : ''}`,
      )
    if (result.v5) parts.push(`MQTT 5 CONNACK ${result.v5.code}`)
    if (result.broker_version) parts.push(result.broker_version)
    return { banner: parts.join('; '), observations }
  },
  matchKeys: ['mqtt.version'],
  findings: [openMqttBroker],
  login: mqttLogin,
}

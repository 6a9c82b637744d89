import { randomBytes } from 'node:crypto'
import { attemptLogin } from '../../core/login-attempt.js'
import type { LoginVerifier } from '../../core/login-verifier.js'
import { Transcript } from '../../core/transcript.js'
import type { MqttResult } from './result.js'
import { CONNECT, disconnectPacket, parseConnack, parsePacket, RETURN_CODES } from './wire.js'

/**
 * MQTT 3.1.1 CONNECT with username and password (§3.1.2.8–9): CONNACK 0 is a login, 4 (bad user
 * name or password) and 5 (not authorized) refusals, 3 (server unavailable) a busy broker; a
 * connection closed without CONNACK is not a refusal. After a success only DISCONNECT is sent.
 */
export const mqttLogin: LoginVerifier<MqttResult> = {
  applies(record) {
    const result = record.data.mqtt as MqttResult | undefined
    if (!result?.v311) return { ok: false, reason: 'no MQTT 3.1.1 CONNACK in the grab' }
    if (result.anonymous) return { ok: false, reason: 'anonymous access' }
    return { ok: true }
  },
  openAccess(record) {
    return (record.data.mqtt as MqttResult | undefined)?.anonymous ? 'anonymous CONNECT accepted' : undefined
  },
  async login(ctx, credential) {
    const transcript = new Transcript(credential.password)
    return attemptLogin(ctx, transcript, async (conn, done) => {
      transcript.sentSecret(`CONNECT v3.1.1 username=${JSON.stringify(credential.username)} password=`)
      await conn.write(connectWithPassword(credential.username, credential.password))
      let packet: ReturnType<typeof parsePacket>
      await conn.readUntil((b) => {
        packet = parsePacket(b, 1024)
        return packet !== undefined
      })
      if (!packet) return done('dropped', 'closed without CONNACK')
      const { code } = parseConnack(packet, 4)
      transcript.received(`CONNACK ${code} (${RETURN_CODES[code] ?? 'unknown code'})`)
      if (code === 0) {
        await conn.write(disconnectPacket()).catch(() => {})
        return done('success', 'CONNACK 0 (accepted)')
      }
      if (code === 4 || code === 5)
        return { ...done('failure', `CONNACK ${code}`), refusal: `mqtt:connack ${code}` }
      if (code === 3) return done('busy', 'CONNACK 3 (server unavailable)')
      return done('unknown', `CONNACK ${code}`)
    })
  },
}

function utf8(s: string): Buffer {
  const b = Buffer.from(s, 'utf8')
  return Buffer.concat([Buffer.from([b.length >> 8, b.length & 0xff]), b])
}

/** CONNECT 3.1.1, clean session, username and password flags (0xC2). */
function connectWithPassword(username: string, password: string): Buffer {
  const id = `mamori-${randomBytes(4).toString('hex')}`
  const body = Buffer.concat([
    utf8('MQTT'),
    Buffer.from([4, 0xc2, 0, 30]),
    utf8(id),
    utf8(username),
    utf8(password),
  ])
  const length: number[] = []
  let n = body.length
  do {
    let byte = n % 128
    n = Math.floor(n / 128)
    if (n > 0) byte |= 0x80
    length.push(byte)
  } while (n > 0)
  return Buffer.concat([Buffer.from([CONNECT << 4]), Buffer.from(length), body])
}

import type { Connection } from '../../core/connection.js'
import { printable } from '../../core/printable.js'
import type { ProtocolModule } from '../../core/protocol-module.js'
import { ProtocolError } from '../../core/scan-status.js'
import type { ModbusResult } from './result.js'
import {
  EXCEPTIONS,
  type Frame,
  OBJECT_NAMES,
  parseDeviceId,
  parseFrame,
  readDeviceIdRequest,
} from './wire.js'

/** Unit 0 reaches a TCP device itself; a gateway wants 1 (its first serial device) or 255. */
const UNIT_IDS = [0, 1, 255]
/** Bounds the "more follows" loop: a device needs 1-2 requests. */
const MAX_REQUESTS = 4

async function exchange(conn: Connection, request: Buffer, offset: { at: number }): Promise<Frame> {
  await conn.write(request)
  let frame: Frame | undefined
  await conn.readUntil(() => {
    frame = parseFrame(conn.received.subarray(offset.at))
    return frame !== undefined
  })
  if (!frame) throw new Error('connection closed before a Modbus answer')
  offset.at += frame.length
  return frame
}

export const modbusModule: ProtocolModule<ModbusResult> = {
  name: 'modbus',
  description: 'Modbus/TCP Read Device Identification (function 43/14) only; never a write',
  transport: 'tcp',
  defaultPorts: [502],
  // industrial gateways
  portPresets: { iot: [502] },
  newResult: () => ({ unit_id: 0 }),

  async grab({ conn }, result) {
    const offset = { at: 0 }
    let transaction = 1
    for (const unit of UNIT_IDS) {
      result.unit_id = unit
      delete result.exception
      let objectId = 0
      for (let n = 0; n < MAX_REQUESTS; n++) {
        const frame = await exchange(conn, readDeviceIdRequest(transaction, unit, 1, objectId), offset)
        if (frame.transactionId !== transaction++)
          throw new ProtocolError('Modbus answer to another transaction')
        const answer = parseDeviceId(frame.pdu)
        if (answer.kind === 'exception') {
          result.exception = {
            code: answer.code,
            ...(EXCEPTIONS[answer.code] ? { meaning: EXCEPTIONS[answer.code] } : {}),
          }
          break
        }
        result.conformity = answer.conformity
        for (const [id, value] of answer.objects) {
          const name = OBJECT_NAMES[id] as keyof ModbusResult | undefined
          if (name) (result as unknown as Record<string, string>)[name] = printable(value, 255)
        }
        if (!answer.more || answer.nextObjectId <= objectId) break
        objectId = answer.nextObjectId
      }
      // only a gateway's "no such unit" is worth another unit id
      if (!result.exception || result.exception.code < 10) break
    }
  },

  describe(result) {
    const observations = []
    if (result.vendor_name) observations.push({ key: 'modbus.vendor', value: result.vendor_name })
    if (result.product_code) observations.push({ key: 'modbus.product_code', value: result.product_code })
    if (result.revision) observations.push({ key: 'modbus.revision', value: result.revision })
    const banner = result.exception
      ? `Modbus exception ${result.exception.code}${result.exception.meaning ? ` (${result.exception.meaning})` : ''}`
      : [result.vendor_name, result.product_code, result.revision].filter(Boolean).join(' ')
    return { banner, observations }
  },
  matchKeys: ['modbus.vendor', 'modbus.product_code', 'modbus.revision'],
}

import { randomBytes } from 'node:crypto'
import { printable } from '../../core/printable.js'
import type { ProtocolModule } from '../../core/protocol-module.js'
import { ProtocolError } from '../../core/scan-status.js'
import type { CoapResult } from './result.js'
import {
  ACK,
  type CoapMessage,
  contentFormat,
  getRequest,
  moreBlocks,
  parseLinkFormat,
  parseMessage,
  RST,
} from './wire.js'

/** A server may ACK at once and send the response separately (RFC 7252 §5.2.2): wait this long for it. */
const SEPARATE_RESPONSE_MS = 2000

export const coapModule: ProtocolModule<CoapResult> = {
  name: 'coap',
  description: 'CoAP GET /.well-known/core: response code and resource list',
  transport: 'udp',
  defaultPorts: [5683],
  portPresets: { 'iot-udp': [5683] },
  newResult: () => ({ resources: [] }),

  async grab({ udp }, result) {
    const token = randomBytes(4)
    const messageId = token.readUInt16BE(0)
    let response: CoapMessage | undefined
    const replies = await udp.request(getRequest('.well-known/core', messageId, token), {
      lingerMs: SEPARATE_RESPONSE_MS,
      done: (rs) => rs.some((r) => isResponse(r.data, token)),
    })
    for (const r of replies) {
      const msg = parseMessage(r.data)
      if (msg.type === RST && msg.messageId === messageId)
        throw new ProtocolError('the server reset our request')
      if (msg.token.equals(token) && msg.code !== '0.00') response = msg
    }
    if (!response) {
      const acked = replies.some((r) => parseMessage(r.data).type === ACK)
      if (!acked) throw new ProtocolError('no CoAP response to our request')
      return { error: 'acknowledged, but the separate response never came' }
    }
    result.code = response.code
    const format = contentFormat(response)
    if (format !== undefined) result.content_format = format
    if (moreBlocks(response)) result.more_blocks = true
    if (response.code === '2.05') {
      result.resources = parseLinkFormat(printable(response.payload, 8192)).map(({ path, attributes }) => {
        const r: CoapResult['resources'][number] = { path: path.slice(0, 128) }
        for (const k of ['rt', 'if', 'ct', 'title'] as const) {
          const v = attributes[k]
          if (v !== undefined) r[k] = v.slice(0, 128)
        }
        return r
      })
    }
  },

  describe(result) {
    const paths = result.resources.map((r) => r.path).join(',')
    const observations = paths ? [{ key: 'coap.resources', value: paths }] : []
    const banner = result.code ? `CoAP ${result.code}${paths ? ` ${paths}` : ''}` : ''
    return { banner, observations }
  },
  matchKeys: ['coap.resources'],
}

function isResponse(data: Buffer, token: Buffer): boolean {
  try {
    const msg = parseMessage(data)
    return msg.type === RST || (msg.token.equals(token) && msg.code !== '0.00')
  } catch {
    return true // not CoAP: stop waiting, the grab reports it
  }
}

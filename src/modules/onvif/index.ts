import type { Connection } from '../../core/connection.js'
import { printable } from '../../core/printable.js'
import type { ProtocolModule } from '../../core/protocol-module.js'
import { ProtocolError } from '../../core/scan-status.js'
import { httpRequest } from '../../lib/http-request.js'
import type { OnvifResult } from './result.js'
import { envelope, soapBody, str } from './wire.js'

const SERVICE = '/onvif/device_service'

async function call(
  conn: Connection,
  host: string,
  operation: 'GetSystemDateAndTime' | 'GetDeviceInformation',
) {
  const { head, body } = await httpRequest(conn, {
    method: 'POST',
    path: SERVICE,
    host,
    headers: { 'Content-Type': 'application/soap+xml; charset=utf-8' },
    body: envelope(operation),
  })
  return { status: head.status_code, text: body.toString('utf8') }
}

function clean(v: unknown, max = 128): string | undefined {
  const s = str(v)
  return s === undefined ? undefined : printable(Buffer.from(s, 'utf8'), max)
}

function pick(node: unknown, ...path: string[]): unknown {
  let at = node
  for (const key of path) at = at && typeof at === 'object' ? (at as Record<string, unknown>)[key] : undefined
  return at
}

export const onvifModule: ProtocolModule<OnvifResult> = {
  name: 'onvif',
  description: 'ONVIF device service: GetSystemDateAndTime, and GetDeviceInformation where unauthenticated',
  transport: 'tcp',
  defaultPorts: [8899, 2020],
  newResult: () => ({ onvif: false }),

  async grab({ conn, target, redial }, result) {
    const host = `${target.ip}:${target.port}`
    const time = await call(conn, host, 'GetSystemDateAndTime')
    const parsed = soapBody(time.text)
    const response = parsed.body?.GetSystemDateAndTimeResponse as Record<string, unknown> | undefined
    if (!response) throw new ProtocolError(`no GetSystemDateAndTimeResponse (HTTP ${time.status})`)
    result.onvif = true
    const utc = ['SystemDateAndTime', 'UTCDateTime']
    const [y, mo, d, h, mi, s] = [
      ['Date', 'Year'],
      ['Date', 'Month'],
      ['Date', 'Day'],
      ['Time', 'Hour'],
      ['Time', 'Minute'],
      ['Time', 'Second'],
    ].map((p) => Number(pick(response, ...utc, ...p)))
    if ([y, mo, d, h, mi, s].every((n) => Number.isInteger(n))) {
      const date = new Date(Date.UTC(y as number, (mo as number) - 1, d, h, mi, s))
      if (!Number.isNaN(date.getTime())) result.utc_time = date.toISOString()
    }
    try {
      const info = await call(await redial(), host, 'GetDeviceInformation')
      const parsed = info.status === 401 ? { fault: 'HTTP 401' } : soapBody(info.text)
      const response = parsed.body?.GetDeviceInformationResponse as Record<string, unknown> | undefined
      if (!response) {
        result.device_information_open = false
        result.device_information_refused = printable(Buffer.from(parsed.fault ?? `HTTP ${info.status}`), 128)
      } else {
        result.device_information_open = true
        const set = (key: keyof OnvifResult, v: unknown) => {
          const c = clean(v)
          if (c !== undefined) (result as unknown as Record<string, string>)[key] = c
        }
        set('manufacturer', response.Manufacturer)
        set('model', response.Model)
        set('firmware_version', response.FirmwareVersion)
        set('hardware_id', response.HardwareId)
        const serial = clean(response.SerialNumber)
        if (serial) result.serial_masked = `${'*'.repeat(Math.max(0, serial.length - 4))}${serial.slice(-4)}`
      }
    } catch (err) {
      return { error: (err as Error).message }
    }
  },

  describe(result) {
    const observations = []
    if (result.manufacturer) observations.push({ key: 'onvif.manufacturer', value: result.manufacturer })
    if (result.model) observations.push({ key: 'onvif.model', value: result.model })
    if (result.firmware_version) observations.push({ key: 'onvif.firmware', value: result.firmware_version })
    const banner = result.onvif
      ? ['ONVIF', result.manufacturer, result.model, result.firmware_version].filter(Boolean).join(' ')
      : ''
    return { banner, observations }
  },
  matchKeys: ['onvif.manufacturer', 'onvif.model', 'onvif.firmware'],
}

import { XMLParser } from 'fast-xml-parser'
import { printable } from '../../core/printable.js'
import { ProtocolError } from '../../core/scan-status.js'

/** M-SEARCH for everything, unicast to one host (UPnP Device Architecture 2.0 §1.3.2). */
export function msearch(): Buffer {
  return Buffer.from(
    'M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nMAN: "ssdp:discover"\r\nMX: 1\r\nST: ssdp:all\r\n' +
      'USER-AGENT: mamori/0.1 UPnP/2.0\r\n\r\n',
  )
}

export interface SsdpReply {
  server?: string
  st?: string
  usn?: string
  location?: string
}

/** Parses one SSDP search reply (HTTP/1.1 200 over UDP). Throws ProtocolError on anything else. */
export function parseSsdpReply(datagram: Buffer): SsdpReply {
  const text = datagram.toString('latin1')
  const [status, ...lines] = text.split(/\r?\n/)
  if (!/^HTTP\/1\.[01]\s+200\b/.test(status ?? '')) {
    throw new ProtocolError(`not an SSDP reply: ${JSON.stringify((status ?? '').slice(0, 60))}`)
  }
  const out: SsdpReply = {}
  for (const line of lines.slice(0, 50)) {
    const m = /^([A-Za-z.-]+)\s*:\s*(.*)$/.exec(line)
    if (!m) continue
    const name = (m[1] as string).toUpperCase()
    const value = printable(Buffer.from((m[2] as string).trim(), 'latin1'), 512)
    if (name === 'SERVER') out.server = value
    else if (name === 'ST') out.st = value
    else if (name === 'USN') out.usn = value
    else if (name === 'LOCATION') out.location = value
  }
  return out
}

/** A description URL's port and path, only when it points at the probed host itself. */
export function sameHostUrl(location: string, ip: string): { port: number; path: string } | undefined {
  let url: URL
  try {
    url = new URL(location)
  } catch {
    return undefined
  }
  if (url.protocol !== 'http:' || url.hostname !== ip) return undefined
  const port = url.port === '' ? 80 : Number(url.port)
  return { port, path: `${url.pathname}${url.search}` || '/' }
}

export interface UpnpDescription {
  device_type?: string
  friendly_name?: string
  manufacturer?: string
  model_name?: string
  model_number?: string
  model_description?: string
  /** The serial number with all but its last 4 characters masked: it identifies one household's device. */
  serial_number?: string
  /** Service types the root device and its embedded devices offer (WANIPConnection on a WAN = exposed IGD). */
  services: string[]
}

const parser = new XMLParser({
  ignoreAttributes: true,
  processEntities: false, // no entity expansion: a description is untrusted
  parseTagValue: false,
  removeNSPrefix: true,
})

function text(v: unknown, max = 256): string | undefined {
  if (typeof v !== 'string' && typeof v !== 'number') return undefined
  const s = String(v).trim()
  return s === '' ? undefined : printable(Buffer.from(s, 'utf8'), max)
}

export function maskSerial(serial: string): string {
  return serial.length <= 4
    ? '*'.repeat(serial.length)
    : `${'*'.repeat(Math.min(serial.length - 4, 12))}${serial.slice(-4)}`
}

/** The identifying fields of a UPnP device description. Throws ProtocolError when it is not one. */
export function parseDescription(xml: string): UpnpDescription {
  let doc: Record<string, unknown>
  try {
    doc = parser.parse(xml) as Record<string, unknown>
  } catch (err) {
    throw new ProtocolError(`device description is not XML: ${(err as Error).message.slice(0, 120)}`)
  }
  const root = doc.root as Record<string, unknown> | undefined
  const device = root?.device as Record<string, unknown> | undefined
  if (!device || typeof device !== 'object') throw new ProtocolError('no <root><device> in the description')
  const out: UpnpDescription = { services: [] }
  const fields: [keyof UpnpDescription, string][] = [
    ['device_type', 'deviceType'],
    ['friendly_name', 'friendlyName'],
    ['manufacturer', 'manufacturer'],
    ['model_name', 'modelName'],
    ['model_number', 'modelNumber'],
    ['model_description', 'modelDescription'],
  ]
  for (const [key, tag] of fields) {
    const v = text(device[tag])
    if (v !== undefined) (out as unknown as Record<string, string>)[key] = v
  }
  const serial = text(device.serialNumber, 128)
  if (serial !== undefined) out.serial_number = maskSerial(serial)
  collectServices(device, out.services, 0)
  return out
}

function asList(v: unknown): unknown[] {
  return Array.isArray(v) ? v : v === undefined ? [] : [v]
}

function collectServices(device: Record<string, unknown>, into: string[], depth: number): void {
  if (depth > 4) return
  const list = (device.serviceList as Record<string, unknown> | undefined)?.service
  for (const s of asList(list)) {
    const type = text((s as Record<string, unknown> | undefined)?.serviceType, 128)
    if (type && !into.includes(type) && into.length < 32) into.push(type)
  }
  const embedded = (device.deviceList as Record<string, unknown> | undefined)?.device
  for (const d of asList(embedded).slice(0, 16)) {
    if (d && typeof d === 'object') collectServices(d as Record<string, unknown>, into, depth + 1)
  }
}

import { XMLParser } from 'fast-xml-parser'
import { ProtocolError } from '../../core/scan-status.js'

/** ONVIF Device Management calls (ONVIF Core 8.3): SOAP 1.2 envelopes without WS-Security. */
export function envelope(operation: 'GetSystemDateAndTime' | 'GetDeviceInformation'): string {
  return (
    '<?xml version="1.0" encoding="UTF-8"?>' +
    '<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:tds="http://www.onvif.org/ver10/device/wsdl">' +
    `<s:Body><tds:${operation}/></s:Body></s:Envelope>`
  )
}

const parser = new XMLParser({
  ignoreAttributes: true,
  removeNSPrefix: true,
  processEntities: false,
  parseTagValue: false,
})

/** The SOAP Body's first child, or the fault's reason. Throws ProtocolError when it is not SOAP. */
export function soapBody(xml: string): { fault?: string; body?: Record<string, unknown> } {
  let doc: Record<string, unknown>
  try {
    doc = parser.parse(xml) as Record<string, unknown>
  } catch (err) {
    throw new ProtocolError(`not XML: ${(err as Error).message.slice(0, 100)}`)
  }
  const body = (doc.Envelope as Record<string, unknown> | undefined)?.Body as
    | Record<string, unknown>
    | undefined
  if (!body || typeof body !== 'object') throw new ProtocolError('no SOAP Envelope/Body')
  const fault = body.Fault as Record<string, unknown> | undefined
  if (fault) {
    const sub = JSON.stringify(fault)
      .match(/"Value":"([^"]{1,80})"/g)
      ?.pop()
    return { fault: sub ? sub.slice(9, -1) : 'fault' }
  }
  return { body }
}

export function str(v: unknown): string | undefined {
  if (typeof v === 'string' && v.trim() !== '') return v.trim()
  if (typeof v === 'number') return String(v)
  return undefined
}

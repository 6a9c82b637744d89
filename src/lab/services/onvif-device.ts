import http from 'node:http'
import type net from 'node:net'

const ENVELOPE = (body: string) =>
  '<?xml version="1.0" encoding="UTF-8"?><env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope" ' +
  'xmlns:tds="http://www.onvif.org/ver10/device/wsdl" xmlns:tt="http://www.onvif.org/ver10/schema" ' +
  `xmlns:ter="http://www.onvif.org/ver10/error"><env:Body>${body}</env:Body></env:Envelope>`

function dateTime(now: Date): string {
  const t = `<tt:Time><tt:Hour>${now.getUTCHours()}</tt:Hour><tt:Minute>${now.getUTCMinutes()}</tt:Minute><tt:Second>${now.getUTCSeconds()}</tt:Second></tt:Time>`
  const d = `<tt:Date><tt:Year>${now.getUTCFullYear()}</tt:Year><tt:Month>${now.getUTCMonth() + 1}</tt:Month><tt:Day>${now.getUTCDate()}</tt:Day></tt:Date>`
  return `<tds:GetSystemDateAndTimeResponse><tds:SystemDateAndTime><tt:DateTimeType>NTP</tt:DateTimeType><tt:UTCDateTime>${t}${d}</tt:UTCDateTime></tds:SystemDateAndTime></tds:GetSystemDateAndTimeResponse>`
}

const NOT_AUTHORIZED =
  '<env:Fault><env:Code><env:Value>env:Sender</env:Value><env:Subcode><env:Value>ter:NotAuthorized</env:Value></env:Subcode></env:Code>' +
  '<env:Reason><env:Text xml:lang="en">Sender not Authorized</env:Text></env:Reason></env:Fault>'

/** A camera's ONVIF device service (ONVIF Core: GetSystemDateAndTime needs no authentication). */
export function onvifDevice(): (socket: net.Socket) => void {
  const server = http.createServer({ requestTimeout: 10_000, headersTimeout: 5_000 }, (req, res) => {
    let body = ''
    req.on('data', (c: Buffer) => {
      body += c.toString('utf8')
      if (body.length > 16_384) req.destroy()
    })
    req.on('end', () => {
      const reply = (status: number, xml: string) => {
        res.writeHead(status, {
          'Content-Type': 'application/soap+xml; charset=utf-8',
          'Content-Length': Buffer.byteLength(xml),
        })
        res.end(xml)
      }
      if (req.method !== 'POST' || !req.url?.startsWith('/onvif/device_service')) return reply(404, '')
      if (body.includes('GetSystemDateAndTime')) return reply(200, ENVELOPE(dateTime(new Date())))
      reply(400, ENVELOPE(NOT_AUTHORIZED))
    })
  })
  server.setTimeout(30_000, (socket) => socket.destroy())
  return (socket) => server.emit('connection', socket)
}

import { Connection } from '../../core/connection.js'
import type { ProtocolModule } from '../../core/protocol-module.js'
import { ProtocolError } from '../../core/scan-status.js'
import { httpRequest } from '../../lib/http-request.js'
import { upnpExposed } from './findings.js'
import type { UpnpResult } from './result.js'
import { msearch, parseDescription, parseSsdpReply, sameHostUrl } from './wire.js'

/** After the first reply a device sends one per service type: listen this long for them. */
const LINGER_MS = 400

export const upnpModule: ProtocolModule<UpnpResult> = {
  name: 'upnp',
  description: 'SSDP M-SEARCH reply headers and the UPnP device description on the same host',
  transport: 'udp',
  defaultPorts: [1900],
  portPresets: { 'iot-udp': [1900] },
  newResult: () => ({ responses: [] }),

  async grab({ udp, target, limits }, result) {
    const replies = await udp.request(msearch(), { lingerMs: LINGER_MS })
    for (const reply of replies) {
      try {
        result.responses.push(parseSsdpReply(reply.data))
      } catch (err) {
        if (result.responses.length === 0 && reply === replies.at(-1)) throw err
      }
    }
    result.server = result.responses.find((r) => r.server)?.server
    result.location = result.responses.find((r) => r.location)?.location
    if (result.server === undefined) delete result.server
    if (result.location === undefined) {
      delete result.location
      return
    }
    const url = sameHostUrl(result.location, target.ip)
    if (!url) {
      result.location_offhost = true
      return
    }
    // the description lives on another port of the same host: one bounded HTTP fetch
    let conn: Connection | undefined
    try {
      conn = await Connection.open({ ip: target.ip, port: url.port, transport: 'tcp' }, limits)
      const { head, body } = await httpRequest(conn, {
        method: 'GET',
        path: url.path,
        host: `${target.ip}:${url.port}`,
      })
      if (head.status_code !== 200) throw new ProtocolError(`description fetch answered ${head.status_code}`)
      result.description = parseDescription(body.toString('utf8'))
    } catch (err) {
      result.description_error = (err as Error).message.slice(0, 200)
    } finally {
      conn?.close()
    }
  },

  describe(result) {
    const observations = []
    const d = result.description
    if (result.server) observations.push({ key: 'upnp.server', value: result.server })
    if (d?.manufacturer) observations.push({ key: 'upnp.manufacturer', value: d.manufacturer })
    if (d?.model_name) observations.push({ key: 'upnp.model', value: d.model_name })
    if (d?.model_number) observations.push({ key: 'upnp.model_number', value: d.model_number })
    if (d?.friendly_name) observations.push({ key: 'upnp.friendly_name', value: d.friendly_name })
    const banner = [
      result.server && `SERVER: ${result.server}`,
      result.location && `LOCATION: ${result.location}`,
      d && [d.manufacturer, d.model_name, d.model_number].filter(Boolean).join(' '),
    ]
      .filter(Boolean)
      .join('\r\n')
    return { banner, observations }
  },
  matchKeys: ['upnp.server', 'upnp.manufacturer', 'upnp.model', 'upnp.model_number', 'upnp.friendly_name'],
  findings: [upnpExposed],
}

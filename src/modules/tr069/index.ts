import { printable } from '../../core/printable.js'
import type { ProtocolModule } from '../../core/protocol-module.js'
import { header } from '../../lib/http-head.js'
import { httpRequest } from '../../lib/http-request.js'
import { tr069Exposed } from './findings.js'
import type { Tr069Result } from './result.js'

/**
 * HTTP servers of CPE management stacks seen on 7547 (TR-069 connection-request servers). A match
 * is evidence, never required: the port answering HTTP at all is the exposure.
 */
const CWMP_SERVERS = /RomPager|gSOAP|cwmp|tr-?069|TR069|mini_httpd|Allegro|Jetty|Broadband|ACS/i

export const tr069Module: ProtocolModule<Tr069Result> = {
  name: 'tr069',
  description:
    'TR-069 (CWMP) connection-request endpoint on 7547: HTTP status, server, auth realm, CWMP evidence',
  transport: 'tcp',
  defaultPorts: [7547, 30005],

  // CWMP, the management channel Mirai variants attacked in 2016
  portPresets: { iot: [7547] },
  newResult: () => ({ cwmp_evidence: [] }),

  async grab({ conn, target }, result) {
    const { head, body } = await httpRequest(conn, {
      method: 'GET',
      path: '/',
      host: `${target.ip}:${target.port}`,
    })
    result.status_code = head.status_code
    const server = header(head, 'server')
    if (server) result.server = printable(Buffer.from(server, 'latin1'), 256)
    const challenge = header(head, 'www-authenticate')
    if (challenge) {
      const scheme = /^\s*([A-Za-z][\w-]*)/.exec(challenge)?.[1] ?? ''
      const realm = /realm\s*=\s*"([^"]*)"/i.exec(challenge)?.[1]
      result.auth = {
        scheme,
        ...(realm !== undefined ? { realm: printable(Buffer.from(realm, 'latin1'), 128) } : {}),
      }
    }
    if (server && CWMP_SERVERS.test(server)) result.cwmp_evidence.push('server')
    if (/cwmp|dslforum-org/i.test(body.subarray(0, 8192).toString('latin1')))
      result.cwmp_evidence.push('body')
    if (header(head, 'soapaction') !== undefined) result.cwmp_evidence.push('soapaction')
    if (challenge && target.port === 7547) result.cwmp_evidence.push('authenticated-7547')
  },

  describe(result) {
    const observations = []
    if (result.server) observations.push({ key: 'tr069.server', value: result.server })
    if (result.auth?.realm) observations.push({ key: 'tr069.realm', value: result.auth.realm })
    const banner = [
      result.status_code !== undefined && `HTTP ${result.status_code}`,
      result.server && `Server: ${result.server}`,
      result.auth?.realm && `realm="${result.auth.realm}"`,
    ]
      .filter(Boolean)
      .join(' ')
    return { banner, observations }
  },
  matchKeys: ['tr069.server', 'tr069.realm'],
  findings: [tr069Exposed],
}

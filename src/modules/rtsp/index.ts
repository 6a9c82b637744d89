import type { Connection } from '../../core/connection.js'
import { printable } from '../../core/printable.js'
import type { ProtocolModule } from '../../core/protocol-module.js'
import { findHeader } from '../../lib/http-head.js'
import { unauthenticatedRtsp } from './findings.js'
import { rtspLogin } from './login.js'
import type { RtspAuth, RtspResult } from './result.js'
import { type RtspResponse, readResponse, summarizeSdp } from './wire.js'

/**
 * Paths tried in order after `/`: the generic ones, then the default stream paths of the most common
 * camera families (Hikvision, Dahua, Xiongmai/HiSilicon). Short on purpose: identification, not enumeration.
 */
const STREAM_PATHS = [
  '/',
  '/live.sdp',
  '/Streaming/Channels/101',
  '/cam/realmonitor?channel=1&subtype=0',
  '/11',
]

const USER_AGENT = 'mamori/0.1'

class RtspClient {
  private cseq = 0
  private offset = 0
  constructor(
    private conn: Connection,
    private readonly base: string,
  ) {}

  async request(method: string, path: string, extra = ''): Promise<RtspResponse> {
    this.cseq++
    await this.conn.write(
      `${method} ${this.base}${path === '/' ? '/' : path} RTSP/1.0\r\nCSeq: ${this.cseq}\r\nUser-Agent: ${USER_AGENT}\r\n${extra}\r\n`,
    )
    const response = await readResponse(this.conn, this.offset)
    this.offset += response.length
    return response
  }

  /** Servers that close after each response get a fresh connection. */
  reconnect(conn: Connection): void {
    this.conn = conn
    this.offset = 0
  }

  get closed(): boolean {
    return this.conn.isEnded
  }
}

function challenge(response: RtspResponse): RtspAuth | undefined {
  const raw = findHeader(response.headers, 'www-authenticate')
  if (!raw) return undefined
  const scheme = /^\s*([A-Za-z][\w-]*)/.exec(raw)?.[1] ?? ''
  const realm = /realm\s*=\s*"([^"]*)"/i.exec(raw)?.[1]
  const auth: RtspAuth = { scheme: printable(Buffer.from(scheme, 'latin1'), 32) }
  if (realm !== undefined) auth.realm = printable(Buffer.from(realm, 'latin1'), 128)
  return auth
}

export const rtspModule: ProtocolModule<RtspResult> = {
  name: 'rtsp',
  description:
    'RTSP OPTIONS and DESCRIBE: Server, Public, auth scheme/realm, stream description without auth',
  transport: 'tcp',
  defaultPorts: [554, 8554, 10554],
  tlsPorts: [322],
  portPresets: { iot: [322, 554] },
  detect: (reply) => reply.subarray(0, 5).toString('latin1') === 'RTSP/',

  newResult: () => ({ describe: [] }),

  async grab({ conn, target, redial }, result) {
    const client = new RtspClient(conn, `rtsp://${target.ip}:${target.port}`)
    const options = await client.request('OPTIONS', '/')
    result.status_line = printable(Buffer.from(options.status_line, 'latin1'), 256)
    const server = findHeader(options.headers, 'server')
    if (server) result.server = printable(Buffer.from(server, 'latin1'), 256)
    const pub = findHeader(options.headers, 'public')
    if (pub)
      result.public = pub
        .split(',')
        .map((m) => m.trim())
        .filter(Boolean)
        .slice(0, 32)
    try {
      for (const path of STREAM_PATHS) {
        if (client.closed) client.reconnect(await redial())
        const describe = () => client.request('DESCRIBE', path, 'Accept: application/sdp\r\n')
        // a server that closes after each response may do so just after we wrote: one fresh try
        const response = await describe().catch(async (err) => {
          if (!client.closed) throw err
          client.reconnect(await redial())
          return describe()
        })
        const attempt = { path, status_code: response.status_code } as RtspResult['describe'][number]
        const auth = challenge(response)
        if (auth) attempt.auth = auth
        result.describe.push(attempt)
        if (!result.server) {
          const server = findHeader(response.headers, 'server')
          if (server) result.server = printable(Buffer.from(server, 'latin1'), 256)
        }
        if (response.status_code === 401) {
          result.auth ??= auth ?? { scheme: '' }
          break
        }
        if (response.status_code === 200 && response.body.length > 0) {
          const sdp = summarizeSdp(response.body.toString('latin1'))
          result.unauthenticated_stream = {
            path,
            media: sdp.media.map((m) => printable(Buffer.from(m, 'latin1'), 64)),
            ...(sdp.session ? { session: printable(Buffer.from(sdp.session, 'latin1'), 128) } : {}),
          }
          break
        }
      }
    } catch (err) {
      // OPTIONS already identified the server; a DESCRIBE that fails is recorded as far as it went
      return { error: (err as Error).message }
    }
  },

  describe(result) {
    const observations = []
    if (result.server) observations.push({ key: 'rtsp.server', value: result.server })
    if (result.auth?.realm) observations.push({ key: 'rtsp.realm', value: result.auth.realm })
    if (result.unauthenticated_stream?.session)
      observations.push({ key: 'rtsp.session', value: result.unauthenticated_stream.session })
    const banner = [result.status_line, result.server && `Server: ${result.server}`]
      .filter(Boolean)
      .join('\r\n')
    return { banner, observations }
  },
  matchKeys: ['rtsp.server', 'rtsp.realm', 'rtsp.session'],
  findings: [unauthenticatedRtsp],
  login: rtspLogin,
}

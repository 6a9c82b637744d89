import type net from 'node:net'
import { DigestAuth } from '../digest-auth.js'
import { onRequests } from './line-reader.js'
import type { RtspServiceSpec } from './specs.js'

/**
 * A camera's RTSP server: OPTIONS answered with `Server` and `Public`; DESCRIBE on the stream path
 * answered with an SDP, behind Basic or Digest auth unless `auth: none`; other paths 404.
 */
export function rtspDevice(spec: RtspServiceSpec, credential?: { username: string; password: string }) {
  const digest = spec.auth === 'digest' ? new DigestAuth(spec.realm) : undefined
  const sdp = `v=0\r\no=- 0 0 IN IP4 0.0.0.0\r\ns=${spec.session_name}\r\nt=0 0\r\nm=video 0 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\n`
  return (socket: net.Socket) =>
    onRequests(socket, (pending) => {
      const end = pending.indexOf('\r\n\r\n')
      if (end < 0) return 0
      const head = pending.subarray(0, end).toString('latin1')
      const [method = '', url = ''] = head.split(/\s+/)
      const cseq = /^CSeq:\s*(\d+)/im.exec(head)?.[1] ?? '0'
      const path = url.replace(/^rtsp:\/\/[^/]*/, '') || '/'
      const reply = (status: string, headers: string, body = '') =>
        socket.write(
          `RTSP/1.0 ${status}\r\nCSeq: ${cseq}\r\nServer: ${spec.server}\r\n${headers}Content-Length: ${body.length}\r\n\r\n${body}`,
        )
      if (method === 'OPTIONS') {
        reply('200 OK', 'Public: OPTIONS, DESCRIBE, SETUP, PLAY, TEARDOWN\r\n')
      } else if (method === 'DESCRIBE') {
        const authorization = /^Authorization:\s*(.*)$/im.exec(head)?.[1] ?? ''
        const ok =
          spec.auth === 'none' ||
          (credential !== undefined &&
            (digest
              ? digest.verify(authorization, 'DESCRIBE', credential)
              : authorization ===
                `Basic ${Buffer.from(`${credential.username}:${credential.password}`).toString('base64')}`))
        if (!ok) {
          const challenge = digest ? digest.challenge() : `Basic realm="${spec.realm}"`
          reply('401 Unauthorized', `WWW-Authenticate: ${challenge}\r\n`)
        } else if (path === spec.stream_path) {
          reply('200 OK', 'Content-Type: application/sdp\r\n', sdp)
        } else {
          reply('404 Not Found', '')
        }
      } else {
        reply('405 Method Not Allowed', '')
      }
      return end + 4
    })
}

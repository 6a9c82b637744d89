import type net from 'node:net'
import { onRequests } from './line-reader.js'
import type { FtpServiceSpec } from './specs.js'

/** A device's FTP server before login: greeting, FEAT, SYST, USER/PASS (anonymous if allowed), QUIT. */
export function ftpDevice(spec: FtpServiceSpec, credential?: { username: string; password: string }) {
  return (socket: net.Socket) => {
    let user: string | undefined
    socket.write(`220 ${spec.banner}\r\n`)
    onRequests(socket, (pending) => {
      const nl = pending.indexOf('\n')
      if (nl < 0) return 0
      const line = pending.subarray(0, nl).toString('latin1').replace(/\r$/, '')
      const [verb = '', ...rest] = line.split(' ')
      const arg = rest.join(' ')
      switch (verb.toUpperCase()) {
        case 'FEAT':
          socket.write(
            spec.features.length
              ? `211-Features:\r\n${spec.features.map((f) => ` ${f}\r\n`).join('')}211 End\r\n`
              : '502 Command not implemented.\r\n',
          )
          break
        case 'SYST':
          socket.write(spec.syst ? `215 ${spec.syst}\r\n` : '530 Please login with USER and PASS.\r\n')
          break
        case 'USER':
          user = arg
          socket.write('331 Please specify the password.\r\n')
          break
        case 'PASS': {
          const anonymousOk = spec.anonymous && (user === 'anonymous' || user === 'ftp')
          const ok =
            anonymousOk ||
            (credential !== undefined && user === credential.username && arg === credential.password)
          socket.write(ok ? '230 Login successful.\r\n' : '530 Login incorrect.\r\n')
          break
        }
        case 'QUIT':
          socket.end('221 Goodbye.\r\n')
          break
        default:
          socket.write(
            user === undefined ? '530 Please login with USER and PASS.\r\n' : '500 Unknown command.\r\n',
          )
      }
      return nl + 1
    })
  }
}

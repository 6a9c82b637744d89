import type net from 'node:net'
import ssh2 from 'ssh2'
import type { SshServiceSpec } from './family.js'

const { Server } = ssh2

/** Dropbear's MAX_AUTH_TRIES: the connection is closed after this many wrong passwords. */
const MAX_AUTH_TRIES = 10
const IDLE_TIMEOUT_MS = 60_000

export interface SshDeviceOptions {
  spec: SshServiceSpec
  credential?: { username: string; password: string }
  /** Private host key (OpenSSH or PEM text). */
  hostKey: string
}

/**
 * A real SSH server (ssh2) with the device's identification line and password authentication.
 * It never opens a shell, runs a command or forwards a port: every channel and global request is
 * refused, so a successful login is all a client can get.
 * Returns the function that takes each accepted TCP connection.
 */
export function sshDevice(options: SshDeviceOptions): (socket: net.Socket) => void {
  const { credential } = options
  const server = new Server({ hostKeys: [options.hostKey], ident: options.spec.software }, (client) => {
    let failures = 0
    client.on('authentication', (ctx) => {
      if (
        ctx.method === 'password' &&
        credential &&
        ctx.username === credential.username &&
        ctx.password === credential.password
      ) {
        ctx.accept()
        return
      }
      if (ctx.method === 'password' && ++failures >= MAX_AUTH_TRIES) {
        client.end()
        return
      }
      ctx.reject(['password'])
    })
    client.on('ready', () => {
      client.on('session', (_accept, reject) => reject())
      client.on('tcpip', (_accept, reject) => reject())
      client.on('openssh.streamlocal', (_accept, reject) => reject())
      client.on('request', (_accept, reject) => reject?.())
    })
    client.on('error', () => {})
  })
  return (socket) => {
    socket.setTimeout(IDLE_TIMEOUT_MS, () => socket.destroy())
    server.injectSocket(socket)
  }
}

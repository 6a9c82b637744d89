import type net from 'node:net'
import type { TelnetServiceSpec } from './family.js'
import { TelnetInput } from './telnet-input.js'

/** IAC DO ECHO, IAC DO NAWS, IAC WILL ECHO, IAC WILL SGA: what BusyBox telnetd sends first. */
export const BUSYBOX_NEGOTIATION = Buffer.from([255, 253, 1, 255, 253, 31, 255, 251, 1, 255, 251, 3])

/** BusyBox login gives up after 60 s without input; so does the lab. */
const IDLE_TIMEOUT_MS = 60_000
/** Longest user name or password line kept; the rest of a long line is dropped. */
const MAX_LINE = 256
/** Output the client has not read yet, past which the session is dropped. */
const MAX_UNREAD_BYTES = 1024 * 1024

export interface TelnetDeviceOptions {
  spec: TelnetServiceSpec
  /** The working credential; without one the device opens a shell straight away. */
  credential?: { username: string; password: string }
  /** Everything the client sends after a successful login (telnet commands stripped). */
  onPostLogin(data: Buffer): void
}

/**
 * One telnet session as an embedded device runs it: negotiation, greeting, login prompt with echo,
 * password without echo, `Login incorrect` and a new prompt, disconnect after `max_failures`, and
 * after a good login a shell prompt that runs nothing: each line only gets a new prompt.
 */
export function serveTelnet(socket: net.Socket, options: TelnetDeviceOptions): void {
  const { spec, credential } = options
  const input = new TelnetInput()
  let state: 'user' | 'password' | 'shell' | 'closed' = 'user'
  let line = ''
  let username = ''
  let failures = 0
  let skipLf = false
  let loggedInAtCr = false

  // replies to one chunk of input go out as one write; echoed bytes are gathered in `echo`
  let pending: Buffer[] = []
  let echo: number[] = []
  const takeEcho = () => {
    if (echo.length > 0) pending.push(Buffer.from(echo))
    echo = []
  }
  const send = (text: string | Buffer) => {
    if (state === 'closed') return
    takeEcho()
    pending.push(typeof text === 'string' ? Buffer.from(text, 'latin1') : text)
  }
  const flush = () => {
    takeEcho()
    const out = Buffer.concat(pending)
    pending = []
    if (out.length === 0 || socket.destroyed) return
    // a client that sends without reading must not make us buffer its echo without end
    if (socket.writableLength > MAX_UNREAD_BYTES) {
      state = 'closed'
      socket.destroy()
      return
    }
    socket.write(out)
  }
  const openShell = () => {
    state = 'shell'
    send(spec.motd + spec.shell_prompt)
  }
  const endLine = () => {
    const text = line
    line = ''
    if (state === 'user') {
      username = text
      send('\r\n')
      state = 'password'
      send(spec.password_prompt)
    } else if (state === 'password') {
      if (credential && username === credential.username && text === credential.password) {
        send('\r\n')
        openShell()
        loggedInAtCr = skipLf
        return
      }
      failures++
      send(spec.failure)
      if (failures >= spec.max_failures) {
        flush()
        state = 'closed'
        socket.end()
        return
      }
      state = 'user'
      send(spec.login_prompt)
    } else if (state === 'shell') {
      send(`\r\n${spec.shell_prompt}`)
    }
  }

  socket.setNoDelay(true)
  socket.setTimeout(IDLE_TIMEOUT_MS, () => socket.end())
  if (spec.negotiation === 'busybox') send(BUSYBOX_NEGOTIATION)
  if (credential) send(spec.greeting + spec.login_prompt)
  else {
    send(spec.greeting)
    openShell()
  }
  flush()

  socket.on('data', (chunk: Buffer) => {
    const data = input.feed(chunk)
    const afterLogin: number[] = []
    for (const byte of data) {
      if (state === 'closed') break
      if (state === 'shell') {
        // the LF closing the password line is not input to the shell
        if (!(loggedInAtCr && (byte === 0x0a || byte === 0x00))) afterLogin.push(byte)
        loggedInAtCr = false
      }
      if (skipLf && (byte === 0x0a || byte === 0x00)) {
        skipLf = false
        continue
      }
      skipLf = byte === 0x0d
      if (byte === 0x0d || byte === 0x0a) endLine()
      else if (byte === 0x7f || byte === 0x08) {
        if (line.length > 0) {
          line = line.slice(0, -1)
          if (state !== 'password') send('\b \b')
        }
      } else if (line.length < MAX_LINE) {
        line += String.fromCharCode(byte)
        // the server said WILL ECHO, so it echoes everything but the password
        if (state !== 'password') echo.push(byte)
      }
    }
    flush()
    if (afterLogin.length > 0) options.onPostLogin(Buffer.from(afterLogin))
  })
  socket.on('error', () => {})
}

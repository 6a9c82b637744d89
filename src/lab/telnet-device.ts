import type net from 'node:net'
import { type TelnetServiceSpec, telnetLoginQuirks } from './family.js'
import { quirkyTelnetDevice } from './quirky-telnet-device.js'
import { BUSYBOX_NEGOTIATION, TelnetInput } from './telnet-input.js'

/** BusyBox login gives up after 60 s without input; so does the lab. */
const IDLE_TIMEOUT_MS = 60_000
/** Longest user name or password line kept; the rest of a long line is dropped. */
const MAX_LINE = 256
/** Output the client has not read yet, past which the session is dropped. */
const MAX_UNREAD_BYTES = 1024 * 1024

export interface TelnetDeviceOptions {
  spec: TelnetServiceSpec
  /** The working credential; without one no login succeeds. */
  credential?: { username: string; password: string }
  /** Everything the client sends after a successful login (telnet commands stripped). */
  onPostLogin(data: Buffer): void
}

/** The telnet service of `spec`: one handler per service (a quirky login shares state over connections). */
export function telnetDevice(options: TelnetDeviceOptions): (socket: net.Socket) => void {
  if (telnetLoginQuirks(options.spec))
    return quirkyTelnetDevice(options.spec, options.credential, options.onPostLogin)
  return (socket) => serveTelnet(socket, options)
}

/**
 * One telnet session as an embedded device runs it: negotiation, greeting, login prompt with echo,
 * password without echo, `Login incorrect` (after `failure_delay_ms`) and a new prompt, disconnect
 * after `max_failures`, and after a good login a shell prompt that runs nothing: each line only
 * gets a new prompt. `login_style: none` opens that shell at connect; `prompts_empty_password:
 * false` opens it right after the user name of an account with an empty password, as BusyBox does.
 */
export function serveTelnet(socket: net.Socket, options: TelnetDeviceOptions): void {
  const { spec, credential } = options
  const input = new TelnetInput()
  let state: 'user' | 'password' | 'delay' | 'shell' | 'closed' = 'user'
  let line = ''
  let username = ''
  let failures = 0
  let skipLf = false
  let loggedInAtCr = false
  // what the client typed ahead while the device pauses after a failure, read after the pause
  let typedAhead: number[] = []
  let delay: NodeJS.Timeout | undefined

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
  const logIn = () => {
    send('\r\n')
    openShell()
    loggedInAtCr = skipLf
  }
  /** A wrong pair: the rest of the failure text, then a new prompt or, after the last try, a hang-up. */
  const refuse = (failureText: string) => {
    failures++
    const last = failures >= spec.max_failures
    send(failureText + (last ? '' : spec.login_prompt))
    if (!last) {
      state = 'user'
      return
    }
    flush()
    state = 'closed'
    socket.end()
  }
  const endLine = () => {
    const text = line
    line = ''
    if (state === 'user') {
      username = text
      if (!spec.prompts_empty_password && credential?.password === '' && username === credential.username) {
        return logIn()
      }
      send('\r\n')
      state = 'password'
      send(spec.password_prompt)
    } else if (state === 'password') {
      if (credential && username === credential.username && text === credential.password) return logIn()
      if (spec.failure_delay_ms === 0) return refuse(spec.failure)
      const lineBreak = spec.failure.startsWith('\r\n') ? '\r\n' : ''
      send(lineBreak)
      state = 'delay'
      delay = setTimeout(() => {
        refuse(spec.failure.slice(lineBreak.length))
        flush()
        const later = Buffer.from(typedAhead)
        typedAhead = []
        if (state === 'user') consume(later)
      }, spec.failure_delay_ms)
    } else if (state === 'shell') {
      send(`\r\n${spec.shell_prompt}`)
    }
  }

  const consume = (data: Buffer) => {
    const afterLogin: number[] = []
    for (const [i, byte] of data.entries()) {
      if (state === 'closed') break
      if (state === 'delay') {
        typedAhead.push(...data.subarray(i, i + Math.max(0, MAX_LINE * 4 - typedAhead.length)))
        break
      }
      if (state === 'shell') {
        // the LF closing the login's last line is not input to the shell
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
  }

  socket.setNoDelay(true)
  socket.setTimeout(IDLE_TIMEOUT_MS, () => socket.end())
  if (spec.negotiation === 'busybox') send(BUSYBOX_NEGOTIATION)
  send(spec.greeting)
  if (spec.login_style === 'none') openShell()
  else send(spec.login_prompt)
  flush()

  socket.on('data', (chunk: Buffer) => consume(input.feed(chunk)))
  socket.on('close', () => clearTimeout(delay))
  socket.on('error', () => {})
}

import type net from 'node:net'
import type { TelnetServiceSpec } from './family.js'
import { BUSYBOX_NEGOTIATION, TelnetInput } from './telnet-input.js'

/** Longest line kept; the rest of a long line is dropped. */
const MAX_LINE = 256
const IDLE_TIMEOUT_MS = 60_000

/**
 * A telnet service with the logins that fool brute-forcers: password-only (one step), a lockout
 * after N failures over all connections (a good login clears the count), a broken login that shows the shell prompt for any
 * password and then an error, a login that takes any short password, one session slot that stays
 * busy after a login (a connection opened meanwhile hangs up after the user name), and a line that
 * drops every connection before the password prompt. Like the plain device, its shell runs nothing;
 * what a client types after a good login is reported to `onPostLogin`. One instance per service
 * (the lockout and the busy slot are shared by its connections).
 */
export function quirkyTelnetDevice(
  spec: TelnetServiceSpec,
  credential: { username: string; password: string } | undefined,
  onPostLogin: (data: Buffer) => void,
): (socket: net.Socket) => void {
  let failures = 0
  let busyUntil = 0
  const locked = () => spec.lockout_after !== undefined && failures >= spec.lockout_after
  const accepts = (username: string, password: string) => {
    if (spec.accept_any_max_length !== undefined) return password.length <= spec.accept_any_max_length
    return (
      credential !== undefined &&
      password === credential.password &&
      (spec.login_style === 'password-only' || username === credential.username)
    )
  }
  return (socket) => {
    const input = new TelnetInput()
    const passwordOnly = spec.login_style === 'password-only'
    // the slot is taken when this connection opens: it is dropped after its user name
    const busy = Date.now() < busyUntil
    // `failing`: a broken login between its fake prompt and its error: input is ignored, output still goes
    let state: 'user' | 'password' | 'shell' | 'failing' | 'closed' = passwordOnly ? 'password' : 'user'
    let line = ''
    let username = ''
    let tries = 0
    let skipLf = false
    let loggedInAtCr = false
    const send = (text: string | Buffer) => {
      if (state !== 'closed' && !socket.destroyed)
        socket.write(typeof text === 'string' ? Buffer.from(text, 'latin1') : text)
    }
    const hangUp = (text: string) => {
      send(text)
      state = 'closed'
      socket.end()
    }
    const prompt = () => send(passwordOnly ? spec.password_prompt : spec.login_prompt)
    const endLine = () => {
      const text = line
      line = ''
      if (state === 'user') {
        if (busy) return hangUp('')
        // a dropping line never gets as far as the password prompt: it waits for its timer
        if (spec.drop_after_ms !== undefined) return
        username = text
        send('\r\n')
        state = 'password'
        send(spec.password_prompt)
        return
      }
      if (state !== 'password') {
        if (state === 'shell') send(`\r\n${spec.shell_prompt}`)
        return
      }
      send('\r\n')
      if (spec.accept_any_error !== undefined) {
        send(spec.shell_prompt)
        setTimeout(() => hangUp(spec.accept_any_error as string), 100)
        state = 'failing'
        return
      }
      if (accepts(username, text) && !locked()) {
        // a good login clears the count, as pam_faillock and most firmwares do
        failures = 0
        state = 'shell'
        loggedInAtCr = skipLf
        if (spec.busy_after_login_ms !== undefined) busyUntil = Date.now() + spec.busy_after_login_ms
        send(spec.motd + spec.shell_prompt)
        return
      }
      failures++
      tries++
      if (locked()) return hangUp(spec.lockout_text)
      send(spec.failure)
      if (tries >= spec.max_failures) return hangUp('')
      state = passwordOnly ? 'password' : 'user'
      prompt()
    }

    socket.setNoDelay(true)
    socket.setTimeout(IDLE_TIMEOUT_MS, () => socket.end())
    if (spec.drop_after_ms !== undefined) {
      const drop = setTimeout(() => hangUp(''), spec.drop_after_ms)
      socket.once('close', () => clearTimeout(drop))
    }
    if (spec.negotiation === 'busybox') send(BUSYBOX_NEGOTIATION)
    if (locked()) return hangUp(spec.lockout_text)
    send(spec.greeting)
    prompt()
    socket.on('data', (chunk: Buffer) => {
      const afterLogin: number[] = []
      for (const byte of input.feed(chunk)) {
        if (state === 'closed' || state === 'failing') break
        const lfOfCr = skipLf && (byte === 0x0a || byte === 0x00)
        // all typed after the login is recorded, but the LF that closed the password line
        if (state === 'shell' && !(loggedInAtCr && lfOfCr)) afterLogin.push(byte)
        loggedInAtCr = false
        if (lfOfCr) {
          skipLf = false
          continue
        }
        skipLf = byte === 0x0d
        if (byte === 0x0d || byte === 0x0a) endLine()
        else if (line.length < MAX_LINE) {
          line += String.fromCharCode(byte)
          if (state === 'user') send(Buffer.of(byte))
        }
      }
      if (afterLogin.length > 0) onPostLogin(Buffer.from(afterLogin))
    })
    socket.on('error', () => {})
  }
}

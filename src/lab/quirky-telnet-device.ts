import type net from 'node:net'
import type { TelnetServiceSpec } from './family.js'
import { BUSYBOX_NEGOTIATION } from './telnet-device.js'
import { TelnetInput } from './telnet-input.js'

/** Longest line kept; the rest of a long line is dropped. */
const MAX_LINE = 256
const IDLE_TIMEOUT_MS = 60_000

/** Whether a telnet spec asks for one of the tricky logins this device plays. */
export function hasLoginQuirks(spec: TelnetServiceSpec): boolean {
  return (
    spec.login_style === 'password-only' ||
    spec.lockout_after !== undefined ||
    spec.accept_any_error !== undefined
  )
}

/**
 * A telnet service with the logins that fool brute-forcers: password-only (one step), a lockout
 * after N failures over all connections, and a broken login that shows the shell prompt for any
 * password and then an error. Like the plain device, its shell runs nothing; what a client types
 * after a good login is reported to `onPostLogin`. One instance per service (the lockout is shared).
 */
export function quirkyTelnetDevice(
  spec: TelnetServiceSpec,
  credential: { username: string; password: string } | undefined,
  onPostLogin: (data: Buffer) => void,
): (socket: net.Socket) => void {
  let failures = 0
  const locked = () => spec.lockout_after !== undefined && failures >= spec.lockout_after
  return (socket) => {
    const input = new TelnetInput()
    const passwordOnly = spec.login_style === 'password-only'
    let state: 'user' | 'password' | 'shell' | 'closed' = passwordOnly ? 'password' : 'user'
    let line = ''
    let username = ''
    let tries = 0
    let skipLf = false
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
        state = 'closed'
        return
      }
      const ok =
        credential !== undefined &&
        text === credential.password &&
        (passwordOnly || username === credential.username)
      if (ok && !locked()) {
        state = 'shell'
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
    if (spec.negotiation === 'busybox') send(BUSYBOX_NEGOTIATION)
    if (locked()) return hangUp(spec.lockout_text)
    send(spec.greeting)
    prompt()
    socket.on('data', (chunk: Buffer) => {
      const afterLogin: number[] = []
      for (const byte of input.feed(chunk)) {
        if (state === 'closed') break
        if (skipLf && (byte === 0x0a || byte === 0x00)) {
          skipLf = false
          continue
        }
        if (state === 'shell') afterLogin.push(byte)
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

import type { PeerSession } from '../../testing/protocol-peer.js'

/** How a scripted telnet device behaves at login (the variations real devices show). */
export interface TelnetDeviceSpec {
  /** Negotiation bytes and banner/MOTD sent first. */
  negotiate?: boolean
  banner?: string
  /** `login: `, `Username: `, ...; absent for a password-only device. */
  loginPrompt?: string
  passwordPrompt?: string
  /** Working pairs (username ignored for password-only devices). */
  accounts: { username: string; password: string }[]
  shellPrompt: string
  /** Text after a successful login, before the prompt. */
  motd?: string
  failure?: string
  /** Accept any password, then show this error and close. */
  acceptAnyThenError?: string
  /** Accept any password with a shell (a honeypot). */
  acceptAny?: boolean
  /** After this many failures (across connections) the device locks and says so. */
  lockoutAfter?: number
  lockoutText?: string
  echoPassword?: boolean
  /** Milliseconds between a failed password and the answer (busybox login waits ~3 s). */
  failureDelayMs?: number
  /** Accept any password up to this many characters (a honeypot or a broken firmware). */
  acceptAnyUpTo?: number
  /** Users whose password is empty: BusyBox login opens the shell right after the user name. */
  noPassword?: string[]
  /** After a login, the only session slot stays taken this long: others are dropped after the user name. */
  busyAfterLoginMs?: number
  /** Every connection is closed this long after it opens, before any password prompt. */
  dropAfterMs?: number
}

/** What each connection sent after a successful login: must always be empty. */
export interface TelnetDeviceLog {
  postLogin: Buffer[]
  logins: number
  failures: number
  /** When the last login happened (the busy slot counts from it). */
  lastLoginAt?: number
}

const IAC_DO_ECHO_SGA = Buffer.from([0xff, 0xfb, 0x01, 0xff, 0xfb, 0x03, 0xff, 0xfd, 0x1f])

/** A line the client typed, telnet commands removed; undefined until CR or LF arrives. */
function lineFrom(bytes: Buffer, from: number): { line: string; end: number } | undefined {
  let text = ''
  for (let i = from; i < bytes.length; i++) {
    const b = bytes[i] as number
    if (b === 0xff) {
      i += (bytes[i + 1] ?? 0) >= 0xfb ? 2 : 1
      continue
    }
    if (b === 0x0d || b === 0x0a) {
      let end = i + 1
      if (b === 0x0d && (bytes[end] === 0x0a || bytes[end] === 0x00)) end++
      return { line: text, end }
    }
    text += String.fromCharCode(b)
  }
  return undefined
}

/** Runs one connection of a scripted device (a test peer script). */
export function telnetDevice(spec: TelnetDeviceSpec, log: TelnetDeviceLog) {
  return async (session: PeerSession): Promise<void> => {
    const { socket } = session
    let offset = 0
    const readLine = async (): Promise<string | undefined> => {
      let got: { line: string; end: number } | undefined
      const all = await session.receive((b) => {
        got = lineFrom(b, offset)
        return got !== undefined
      })
      if (!got) {
        got = lineFrom(all, offset)
        if (!got) return undefined
      }
      offset = got.end
      return got.line
    }
    const say = (s: string) => {
      if (!socket.destroyed) socket.write(s)
    }
    const loggedIn = async () => {
      log.logins++
      log.lastLoginAt = Date.now()
      say(`${spec.motd ?? ''}${spec.shellPrompt}`)
      const loggedInAt = (await session.receive(() => true)).length
      const all = await session.receive(() => false)
      log.postLogin.push(all.subarray(loggedInAt))
    }
    if (spec.dropAfterMs !== undefined) setTimeout(() => socket.destroy(), spec.dropAfterMs)
    if (spec.negotiate) socket.write(IAC_DO_ECHO_SGA)
    if (spec.lockoutAfter !== undefined && log.failures >= spec.lockoutAfter) {
      say(`${spec.lockoutText ?? 'Too many failed attempts. Account locked.'}\r\n`)
      socket.end()
      return
    }
    if (spec.banner) say(spec.banner)
    let failures = 0
    for (;;) {
      let username = ''
      if (spec.loginPrompt !== undefined) {
        say(spec.loginPrompt)
        const u = await readLine()
        if (u === undefined) return
        username = u
        say(`${u}\r\n`)
        const busy =
          spec.busyAfterLoginMs !== undefined && Date.now() - (log.lastLoginAt ?? 0) < spec.busyAfterLoginMs
        if (busy) {
          socket.destroy()
          return
        }
        if (spec.dropAfterMs !== undefined) return
        if (spec.noPassword?.includes(u)) return loggedIn()
      }
      say(spec.passwordPrompt ?? 'Password: ')
      const p = await readLine()
      if (p === undefined) return
      if (spec.echoPassword) say(`${p}\r\n`)
      else say('\r\n')
      const ok =
        spec.acceptAny ||
        (spec.acceptAnyUpTo !== undefined && p.length <= spec.acceptAnyUpTo) ||
        spec.accounts.some(
          (a) => a.password === p && (spec.loginPrompt === undefined || a.username === username),
        )
      if (spec.acceptAnyThenError) {
        say(`${spec.shellPrompt}`)
        setTimeout(() => {
          say(`\r\n${spec.acceptAnyThenError}\r\n`)
          socket.end()
        }, 150)
        return
      }
      if (ok) return loggedIn()
      log.failures++
      failures++
      if (spec.failureDelayMs) await new Promise((r) => setTimeout(r, spec.failureDelayMs))
      if (spec.lockoutAfter !== undefined && log.failures >= spec.lockoutAfter) {
        say(`${spec.lockoutText ?? 'Too many failed attempts. Account locked.'}\r\n`)
        socket.end()
        return
      }
      say(`${spec.failure ?? 'Login incorrect'}\r\n`)
      if (failures >= 3) {
        socket.end()
        return
      }
    }
  }
}

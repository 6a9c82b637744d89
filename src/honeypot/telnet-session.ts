import type net from 'node:net'
import { IAC } from '../modules/telnet/wire.js'
import { attackerText, type CowrieEvent, CowrieEvents, type SessionOrigin } from './cowrie-event.js'
import type { DeviceProfile } from './device-profile.js'
import type { LoginPolicy } from './login-policy.js'
import type { SessionLimits } from './session-limits.js'
import { capText, type SessionSummary, SUMMARY_CAPS } from './session-summary.js'
import { BusyboxShell } from './shell/busybox-shell.js'
import { OPENING_NEGOTIATION, ServerNegotiation } from './telnet-negotiation.js'

export interface SessionOptions {
  origin: SessionOrigin
  profile: DeviceProfile
  policy: LoginPolicy
  limits: SessionLimits
  emit(event: CowrieEvent): void
  onClosed(summary: SessionSummary): void
}

type State = 'user' | 'password' | 'shell' | 'wait' | 'closed'

/** Ends after which nothing more is owed to the client: the connection is dropped at once. */
const ABRUPT = new Set(['client-closed', 'error', 'byte-limit', 'output-backlog'])
/** Events per session of the kinds a client can repeat cheaply (a NAWS is 9 bytes); past these they are dropped. */
const EVENT_CAPS = { size: 16, ttype: 16, download: 200 }
/** How long a politely ended connection may take to drain. */
const LINGER_MS = 500

/**
 * One telnet session as a BusyBox device runs it: negotiation, `login:`/`Password:` (echo on, then
 * off), "Login incorrect" after a pause, and after a good login an emulated ash. Everything the client
 * does becomes a Cowrie event; the session ends at the first limit reached and always logs its close.
 */
export class TelnetSession {
  readonly #o: SessionOptions
  readonly #socket: net.Socket
  readonly #events: CowrieEvents
  readonly #negotiation = new ServerNegotiation()
  readonly #shell: BusyboxShell
  readonly #started = Date.now()
  readonly #summary: SessionSummary
  #state: State = 'user'
  #line: number[] = []
  #afterCr = false
  #username = ''
  #failures = 0
  #timers: NodeJS.Timeout[] = []
  #idle: NodeJS.Timeout | undefined
  readonly #eventCounts = new Map<string, number>()

  constructor(socket: net.Socket, options: SessionOptions) {
    this.#o = options
    this.#socket = socket
    this.#events = new CowrieEvents(options.origin)
    this.#shell = new BusyboxShell(options.profile, (d) => {
      if (this.#summary.urls.length < SUMMARY_CAPS.urls) this.#summary.urls.push(attackerText(d.url))
      if (this.#bounded('download')) this.#o.emit(this.#events.download(d.url, d.destfile))
    })
    const o = options.origin
    this.#summary = {
      ...o,
      started_at: new Date(this.#started).toISOString(),
      ended_at: '',
      duration_ms: 0,
      close_reason: '',
      bytes_in: 0,
      logins: [],
      sizes: [],
      terminal_types: [],
      lines: [],
      line_count: 0,
      urls: [],
    }
  }

  start(): void {
    const s = this.#socket
    this.#o.emit(this.#events.connect())
    s.on('data', (chunk: Buffer) => this.#onData(chunk))
    s.on('end', () => this.close('client-closed'))
    s.on('close', () => this.close('client-closed'))
    s.on('error', () => this.close('error'))
    this.#timers.push(setTimeout(() => this.close('time-limit'), this.#o.limits.sessionMs))
    this.#touch()
    s.write(OPENING_NEGOTIATION)
    this.#send(`\r\n${this.#o.profile.login_prompt}`)
  }

  /** Ends the session once: the close event and the summary are written whatever the reason. */
  close(reason: string): void {
    if (this.#state === 'closed') return
    this.#state = 'closed'
    for (const t of this.#timers) clearTimeout(t)
    clearTimeout(this.#idle)
    const now = Date.now()
    this.#summary.ended_at = new Date(now).toISOString()
    this.#summary.duration_ms = now - this.#started
    this.#summary.close_reason = reason
    this.#o.emit(this.#events.closed(now - this.#started, reason))
    if (ABRUPT.has(reason)) this.#socket.destroy()
    else {
      // let the last words ("Login incorrect") reach the client; a client that does not read is cut off
      this.#socket.end()
      setTimeout(() => this.#socket.destroy(), LINGER_MS).unref()
    }
    this.#o.onClosed(this.#summary)
  }

  /** Whether one more event of a kind the client can repeat at will still goes to the log. */
  #bounded(kind: keyof typeof EVENT_CAPS): boolean {
    const n = (this.#eventCounts.get(kind) ?? 0) + 1
    this.#eventCounts.set(kind, n)
    return n <= EVENT_CAPS[kind]
  }

  #touch(): void {
    clearTimeout(this.#idle)
    this.#idle = setTimeout(() => this.close('idle'), this.#o.limits.idleMs)
  }

  #onData(chunk: Buffer): void {
    if (this.#state === 'closed') return
    this.#touch()
    this.#summary.bytes_in += chunk.length
    if (this.#summary.bytes_in > this.#o.limits.bytesIn) {
      this.close('byte-limit')
      return
    }
    const n = this.#negotiation.feed(chunk)
    if (n.reply.length) this.#socket.write(n.reply)
    for (const size of n.sizes) {
      if (this.#summary.sizes.length < SUMMARY_CAPS.sizes) this.#summary.sizes.push(size)
      if (this.#bounded('size')) this.#o.emit(this.#events.clientSize(size.width, size.height))
    }
    for (const t of n.terminalTypes) {
      if (this.#summary.terminal_types.length < SUMMARY_CAPS.sizes)
        this.#summary.terminal_types.push(attackerText(t))
      if (this.#bounded('ttype')) this.#o.emit(this.#events.clientVar('TERM', t))
    }
    const echo: number[] = []
    for (const byte of n.text) {
      if (this.#isClosed()) return
      const afterCr = this.#afterCr
      this.#afterCr = false
      // CR LF and CR NUL end a line once (RFC 854); a bare LF ends one too
      if (afterCr && (byte === 10 || byte === 0)) continue
      if (byte === 13 || byte === 10) {
        this.#afterCr = byte === 13
        if (this.#state === 'user' || this.#state === 'shell') echo.push(13, 10)
        this.#flushEcho(echo)
        this.#endLine()
      } else if (byte === 0x7f || byte === 8) {
        this.#line.pop()
      } else if (byte === 3 && this.#state === 'shell') {
        this.#line = []
        this.#flushEcho(echo)
        this.#send(`^C\r\n${this.#o.profile.prompt}`)
      } else if (byte === 4 && this.#line.length === 0 && this.#state === 'shell') {
        this.close('exit')
        return
      } else if (byte === 0) {
        // padding
      } else if (this.#line.length < this.#o.limits.lineBytes) {
        this.#line.push(byte)
        if (this.#state === 'user' || this.#state === 'shell') echo.push(byte)
      }
    }
    this.#flushEcho(echo)
  }

  #isClosed(): boolean {
    return this.#state === 'closed'
  }

  #flushEcho(echo: number[]): void {
    if (echo.length === 0) return
    this.#write(Buffer.from(echo))
    echo.length = 0
  }

  /** Writes terminal output: IAC doubled, and the session dropped when the client stops reading. */
  #write(bytes: Buffer): void {
    if (this.#state === 'closed' || this.#socket.destroyed) return
    if (this.#socket.writableLength > this.#o.limits.unreadBytes) {
      this.close('output-backlog')
      return
    }
    this.#socket.write(bytes.includes(IAC) ? doubleIac(bytes) : bytes)
  }

  #send(text: string | Buffer): void {
    this.#write(typeof text === 'string' ? Buffer.from(text, 'latin1') : text)
  }

  #endLine(): void {
    const text = Buffer.from(this.#line).toString('latin1')
    this.#line = []
    if (this.#state === 'user') {
      this.#username = text
      this.#state = 'password'
      this.#send(this.#o.profile.password_prompt)
    } else if (this.#state === 'password') this.#login(text)
    else if (this.#state === 'shell') this.#command(text)
  }

  #login(password: string): void {
    const { policy, profile, limits, origin } = this.#o
    const success = policy.attempt(origin.src_ip, this.#username, password)
    if (this.#summary.logins.length < SUMMARY_CAPS.logins)
      this.#summary.logins.push({
        username: capText(attackerText(this.#username)),
        password: capText(attackerText(password)),
        success,
      })
    this.#o.emit(this.#events.login(success, this.#username, password))
    if (success) {
      this.#state = 'shell'
      this.#send(`\r\n${profile.motd}${profile.prompt}`)
      return
    }
    this.#failures++
    this.#state = 'wait'
    this.#timers.push(
      setTimeout(() => {
        if (this.#state !== 'wait') return
        if (this.#failures >= limits.loginAttempts) {
          this.#send(`\r\n${profile.login_failed}\r\n`)
          this.close('login-limit')
          return
        }
        this.#state = 'user'
        this.#send(`\r\n${profile.login_failed}\r\n${profile.login_prompt}`)
      }, limits.failDelayMs),
    )
  }

  #command(line: string): void {
    this.#summary.line_count++
    if (this.#summary.lines.length < SUMMARY_CAPS.lines) this.#summary.lines.push(capText(attackerText(line)))
    this.#o.emit(this.#events.command(line))
    const r = this.#shell.run(line)
    if (r.out.length) this.#send(onlcr(r.out))
    if (r.exit) {
      this.close('exit')
      return
    }
    if (this.#summary.line_count >= this.#o.limits.commands) {
      this.close('command-limit')
      return
    }
    this.#send(this.#o.profile.prompt)
  }
}

/** The terminal's newline mapping (ONLCR): LF becomes CR LF unless a CR is already there. */
function onlcr(bytes: Buffer): Buffer {
  if (!bytes.includes(10)) return bytes
  const out: number[] = []
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i] as number
    if (b === 10 && bytes[i - 1] !== 13) out.push(13)
    out.push(b)
  }
  return Buffer.from(out)
}

function doubleIac(bytes: Buffer): Buffer {
  const out: number[] = []
  for (const b of bytes) {
    out.push(b)
    if (b === IAC) out.push(IAC)
  }
  return Buffer.from(out)
}

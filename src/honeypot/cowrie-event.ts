import { printable } from '../core/printable.js'

/** The Cowrie event ids the honeypot writes (cowrie/cowrie docs/OUTPUT.rst), so Cowrie tooling reads them. */
export type CowrieEventId =
  | 'cowrie.session.connect'
  | 'cowrie.client.size'
  | 'cowrie.client.var'
  | 'cowrie.login.failed'
  | 'cowrie.login.success'
  | 'cowrie.command.input'
  | 'cowrie.session.file_download'
  | 'cowrie.session.closed'

/**
 * One event in Cowrie's JSON schema: the shared attributes (eventid, timestamp, session, src_ip,
 * sensor, message) and the event's own (username/password, input, url, width/height, duration...).
 */
export interface CowrieEvent {
  eventid: CowrieEventId
  timestamp: string
  session: string
  src_ip: string
  sensor: string
  message: string
  [field: string]: unknown
}

/** Longest attacker-supplied value kept in an event; the rest is cut (the session's byte limit still counts it). */
const MAX_FIELD = 4096

/**
 * An attacker-supplied string made safe for every output: bytes decoded as UTF-8 (invalid ones
 * replaced), control characters (ESC, NUL, CR, LF...) written as \xNN, cut to 4,096 characters.
 * JSON encoding then escapes quotes and backslashes; terminals never see a raw control byte.
 */
export function attackerText(latin1: string): string {
  return printable(Buffer.from(latin1, 'latin1'), MAX_FIELD).replace(/[\r\n\t]/g, (c) =>
    c === '\t' ? '\\x09' : c === '\r' ? '\\x0d' : '\\x0a',
  )
}

/** Where a session's events come from: the fields every one of them repeats. */
export interface SessionOrigin {
  session: string
  src_ip: string
  src_port: number
  dst_ip: string
  dst_port: number
  sensor: string
}

/** Builds a session's events in Cowrie's shape; values from the attacker go through attackerText. */
export class CowrieEvents {
  constructor(readonly origin: SessionOrigin) {}

  #event(eventid: CowrieEventId, message: string, fields: Record<string, unknown> = {}): CowrieEvent {
    const { session, src_ip, sensor } = this.origin
    return { eventid, timestamp: new Date().toISOString(), session, src_ip, sensor, message, ...fields }
  }

  connect(): CowrieEvent {
    const o = this.origin
    return this.#event(
      'cowrie.session.connect',
      `New connection: ${o.src_ip}:${o.src_port} (${o.dst_ip}:${o.dst_port}) [session: ${o.session}]`,
      { src_port: o.src_port, dst_ip: o.dst_ip, dst_port: o.dst_port, protocol: 'telnet' },
    )
  }

  clientSize(width: number, height: number): CowrieEvent {
    return this.#event('cowrie.client.size', `Terminal Size: ${width} ${height}`, { width, height })
  }

  clientVar(name: string, value: string): CowrieEvent {
    const n = attackerText(name)
    const v = attackerText(value)
    return this.#event('cowrie.client.var', `request_env: ${n}=${v}`, { name: n, value: v })
  }

  login(success: boolean, username: string, password: string): CowrieEvent {
    const u = attackerText(username)
    const p = attackerText(password)
    return this.#event(
      success ? 'cowrie.login.success' : 'cowrie.login.failed',
      `login attempt [${u}/${p}] ${success ? 'succeeded' : 'failed'}`,
      { username: u, password: p },
    )
  }

  command(input: string): CowrieEvent {
    const text = attackerText(input)
    return this.#event('cowrie.command.input', `CMD: ${text}`, { input: text })
  }

  /** A download asked for and never made: the URL only (no outfile, no shasum: nothing was fetched). */
  download(url: string, destfile: string | undefined): CowrieEvent {
    const u = attackerText(url)
    return this.#event('cowrie.session.file_download', `Download requested, not fetched: ${u}`, {
      url: u,
      ...(destfile !== undefined ? { destfile: attackerText(destfile) } : {}),
    })
  }

  closed(durationMs: number, reason: string): CowrieEvent {
    const seconds = Math.round(durationMs / 100) / 10
    return this.#event('cowrie.session.closed', `Connection lost after ${Math.round(seconds)} seconds`, {
      duration: seconds,
      reason,
    })
  }
}

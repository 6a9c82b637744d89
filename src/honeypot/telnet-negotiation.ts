import { DO, DONT, IAC, parseTelnet, SB, SE, WILL, WONT } from '../modules/telnet/wire.js'

const ECHO = 1
const SGA = 3
const TTYPE = 24
const NAWS = 31

/** What BusyBox telnetd sends first (DO ECHO, DO NAWS, WILL ECHO, WILL SGA), then DO TTYPE. */
export const OPENING_NEGOTIATION = Buffer.from([
  IAC,
  DO,
  ECHO,
  IAC,
  DO,
  NAWS,
  IAC,
  WILL,
  ECHO,
  IAC,
  WILL,
  SGA,
  IAC,
  DO,
  TTYPE,
])

/** An unfinished command longer than this is garbage (a subnegotiation never closed): it is dropped. */
const MAX_PENDING = 512
/** Replies owed per session: past this a negotiation flood is read and ignored, never answered. */
const MAX_REPLIES = 64

export interface NegotiationOutcome {
  /** The client's data bytes, commands removed. */
  text: Buffer
  /** What the server answers. */
  reply: Buffer
  /** Window sizes the client reported (NAWS), in order. */
  sizes: { width: number; height: number }[]
  /** Terminal types the client reported (TTYPE IS). */
  terminalTypes: string[]
}

/**
 * The server's side of telnet option negotiation, as BusyBox telnetd does it: it asks for NAWS and
 * TTYPE, offers ECHO and SGA, refuses everything else once, and never answers a refusal (RFC 854's
 * rule against loops). Parsing is the telnet module's (modules/telnet/wire.ts).
 */
export class ServerNegotiation {
  #pending = Buffer.alloc(0)
  #replies = 0
  readonly #answered = new Set<number>()

  feed(chunk: Buffer): NegotiationOutcome {
    const input = this.#pending.length ? Buffer.concat([this.#pending, chunk]) : chunk
    const parsed = parseTelnet(input)
    this.#pending = parsed.rest.length > MAX_PENDING ? Buffer.alloc(0) : Buffer.from(parsed.rest)
    const reply: number[] = []
    const out: NegotiationOutcome = {
      text: parsed.text,
      reply: Buffer.alloc(0),
      sizes: [],
      terminalTypes: [],
    }
    for (const n of parsed.negotiations) {
      const key = (n.verb === 'do' ? 0 : n.verb === 'will' ? 256 : 512) + n.option
      if (this.#answered.has(key) || this.#replies >= MAX_REPLIES) continue
      this.#answered.add(key)
      const bytes = this.#answer(n.verb, n.option)
      if (bytes.length) {
        this.#replies++
        reply.push(...bytes)
      }
    }
    for (const s of parsed.subnegotiationData) {
      if (s.option === NAWS && s.data.length >= 4)
        out.sizes.push({ width: s.data.readUInt16BE(0), height: s.data.readUInt16BE(2) })
      else if (s.option === TTYPE && s.data[0] === 0)
        out.terminalTypes.push(s.data.subarray(1, 65).toString('latin1'))
    }
    out.reply = Buffer.from(reply)
    return out
  }

  #answer(verb: 'do' | 'dont' | 'will' | 'wont', option: number): number[] {
    switch (verb) {
      case 'will':
        // the client agrees to what we asked (NAWS, TTYPE: then ask for the type) or offers more: refuse
        if (option === TTYPE) return [IAC, SB, TTYPE, 1, IAC, SE]
        return option === NAWS ? [] : [IAC, DONT, option]
      case 'do':
        return option === ECHO || option === SGA ? [] : [IAC, WONT, option]
      default:
        return []
    }
  }
}

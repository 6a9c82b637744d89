/**
 * Telnet wire format (RFC 854/855): separates option negotiation from text and answers it.
 * We refuse every option except the two that make a server talk (ECHO and SUPPRESS-GO-AHEAD),
 * which is what a plain client does and what keeps devices from waiting for us.
 */
export const IAC = 0xff
export const DONT = 0xfe
export const DO = 0xfd
export const WONT = 0xfc
export const WILL = 0xfb
export const SB = 0xfa
export const SE = 0xf0

const OPTION_NAMES: Record<number, string> = {
  0: 'binary',
  1: 'echo',
  3: 'suppress-go-ahead',
  5: 'status',
  6: 'timing-mark',
  24: 'terminal-type',
  31: 'naws',
  32: 'terminal-speed',
  33: 'remote-flow-control',
  34: 'linemode',
  35: 'x-display-location',
  36: 'environment',
  37: 'authentication',
  38: 'encryption',
  39: 'new-environment',
}

export function optionName(code: number): string {
  return OPTION_NAMES[code] ?? `option-${code}`
}

const OPTION_CODES = new Map(Object.entries(OPTION_NAMES).map(([code, name]) => [name, Number(code)]))

/** The option code of a name `optionName` gave. */
export function optionCode(name: string): number | undefined {
  return OPTION_CODES.get(name) ?? (/^option-(\d+)$/.exec(name) ? Number(name.slice(7)) : undefined)
}

type Verb = 'do' | 'dont' | 'will' | 'wont'

export interface Negotiation {
  verb: Verb
  option: number
}

export interface TelnetChunk {
  /** Text with every command removed (IAC IAC unescaped to 0xFF). */
  text: Buffer
  negotiations: Negotiation[]
  /** Option codes of subnegotiations (IAC SB <opt> ... IAC SE) seen. */
  subnegotiations: number[]
  /** The same subnegotiations with their parameter bytes (IAC IAC unescaped), for servers. */
  subnegotiationData: { option: number; data: Buffer }[]
  /** Bytes at the end that belong to an unfinished command: feed them again with the next chunk. */
  rest: Buffer
}

const VERBS: Record<number, Verb> = { [DO]: 'do', [DONT]: 'dont', [WILL]: 'will', [WONT]: 'wont' }

/** Splits a received chunk into text and commands. Never throws on garbage. */
export function parseTelnet(input: Buffer): TelnetChunk {
  const negotiations: Negotiation[] = []
  const subnegotiations: number[] = []
  const subnegotiationData: { option: number; data: Buffer }[] = []
  // most chunks (typed text, long lines) carry no command at all
  if (!input.includes(IAC))
    return { text: input, negotiations, subnegotiations, subnegotiationData, rest: input.subarray(0, 0) }
  const text: number[] = []
  let i = 0
  while (i < input.length) {
    const byte = input[i] as number
    if (byte !== IAC) {
      text.push(byte)
      i++
      continue
    }
    if (i + 1 >= input.length) break
    const command = input[i + 1] as number
    if (command === IAC) {
      text.push(IAC)
      i += 2
    } else if (command in VERBS) {
      if (i + 2 >= input.length) break
      negotiations.push({ verb: VERBS[command] as Verb, option: input[i + 2] as number })
      i += 3
    } else if (command === SB) {
      const end = findSubnegotiationEnd(input, i + 2)
      if (end < 0) break
      if (i + 2 < input.length) {
        const option = input[i + 2] as number
        subnegotiations.push(option)
        subnegotiationData.push({ option, data: unescapeIac(input.subarray(i + 3, end - 2)) })
      }
      i = end
    } else {
      i += 2 // NOP, GA, AYT ...: two-byte commands carry nothing we need
    }
  }
  return {
    text: Buffer.from(text),
    negotiations,
    subnegotiations,
    subnegotiationData,
    rest: input.subarray(i),
  }
}

function unescapeIac(data: Buffer): Buffer {
  if (!data.includes(IAC)) return Buffer.from(data)
  const out: number[] = []
  for (let j = 0; j < data.length; j++) {
    out.push(data[j] as number)
    if (data[j] === IAC && data[j + 1] === IAC) j++
  }
  return Buffer.from(out)
}

function findSubnegotiationEnd(input: Buffer, from: number): number {
  for (let j = from; j + 1 < input.length; j++) {
    if (input[j] === IAC && input[j + 1] === SE) return j + 2
  }
  return -1
}

/** The polite answer to one negotiation, or nothing when none is due. */
export function answer(n: Negotiation): Buffer | undefined {
  const talks = n.option === 1 || n.option === 3
  switch (n.verb) {
    case 'do':
      return Buffer.from([IAC, WONT, n.option])
    case 'will':
      return Buffer.from([IAC, talks ? DO : DONT, n.option])
    default:
      return undefined // DONT/WONT need no answer (RFC 854: never acknowledge a refusal loop)
  }
}

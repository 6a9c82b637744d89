import type { TelnetResult } from './result.js'
import { IAC, optionCode } from './wire.js'

/** DO first, then WILL, as most telnetds send them. */
const VERBS = [
  ['do', 0xfd],
  ['will', 0xfb],
  ['dont', 0xfe],
  ['wont', 0xfc],
] as const

// a stored record of another version may lack a list
function verbLists(result: TelnetResult): [(typeof VERBS)[number], string[]][] {
  return VERBS.map((v) => [v, Array.isArray(result[v[0]]) ? result[v[0]] : []])
}

/**
 * The options a telnet server asked for, in one line (`do:echo,naws will:echo,suppress-go-ahead`):
 * telnetd implementations differ in what they negotiate even when they print no banner.
 */
export function negotiationLine(result: TelnetResult): string | undefined {
  const parts = verbLists(result)
    .filter(([, list]) => list.length > 0)
    .map(([[verb], list]) => `${verb}:${list.join(',')}`)
  return parts.length > 0 ? parts.join(' ') : undefined
}

/** The negotiation as the bytes it took (latin1), as nmap's NULL probe received them. */
export function negotiationBytes(result: TelnetResult): string {
  let out = ''
  for (const [[, code], list] of verbLists(result)) {
    for (const name of list) {
      const option = optionCode(name)
      if (option !== undefined) out += String.fromCharCode(IAC, code, option)
    }
  }
  return out
}

import { MamoriError } from '../core/errors.js'
import { PORT_PRESETS } from './port-presets.js'

/** Ports to scan, sorted and without duplicates, per transport. */
export interface PortSpec {
  readonly tcp: readonly number[]
  readonly udp: readonly number[]
}

function fail(text: string, at: number, why: string): never {
  throw new MamoriError(
    'ERR_PORT_SYNTAX',
    `bad port list ${JSON.stringify(text)} at character ${at + 1}: ${why} (expected e.g. 22,80,8000-8099,U:161,iot)`,
  )
}

/**
 * Parses nmap's port syntax: `22,80,8000-8099`, open ranges `-1024` and `60000-`, `T:`/`U:`
 * prefixes that apply to what follows until the next prefix (`U:53,161,T:21-25`), and preset
 * names (`iot`). Errors name the character where the list stops making sense.
 */
export function parsePortSpec(text: string, depth = 0): PortSpec {
  const tcp = new Set<number>()
  const udp = new Set<number>()
  let current = tcp
  let at = 0
  if (text.trim() === '') fail(text, 0, 'empty')
  for (const raw of text.split(',')) {
    let item = raw
    let pos = at
    at += raw.length + 1
    const prefix = /^\s*([TtUu]):/.exec(item)
    if (prefix) {
      current = prefix[1]?.toUpperCase() === 'U' ? udp : tcp
      pos += prefix[0].length
      item = item.slice(prefix[0].length)
    }
    item = item.trim()
    if (item === '') fail(text, pos, 'empty item')
    const preset = PORT_PRESETS[item.toLowerCase()]
    if (preset !== undefined && depth === 0) {
      const sub = parsePortSpec(preset, 1)
      for (const p of sub.tcp) (current === udp ? udp : tcp).add(p)
      for (const p of sub.udp) udp.add(p)
      continue
    }
    const m = /^(\d*)(-)?(\d*)$/.exec(item)
    if (!m || (m[1] === '' && m[3] === '')) {
      fail(
        text,
        pos,
        `${JSON.stringify(item)} is not a port, range or preset (${Object.keys(PORT_PRESETS).join(', ')})`,
      )
    }
    const lo = m[1] === '' ? 1 : Number(m[1])
    const hi = m[2] ? (m[3] === '' ? 65535 : Number(m[3])) : lo
    if (lo < 1 || hi > 65535 || lo > 65535)
      fail(text, pos, `port out of range 1-65535 in ${JSON.stringify(item)}`)
    if (lo > hi) fail(text, pos, `range ${JSON.stringify(item)} goes backwards`)
    for (let p = lo; p <= hi; p++) current.add(p)
  }
  const sorted = (s: Set<number>) => [...s].sort((a, b) => a - b)
  return { tcp: sorted(tcp), udp: sorted(udp) }
}

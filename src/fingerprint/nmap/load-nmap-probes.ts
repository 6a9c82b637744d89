import { readFileSync, statSync } from 'node:fs'
import { RegexTranslationError } from '../regex/regex-syntax.js'
import { translateRegex } from '../regex/translate-regex.js'
import type { LoadProblem, Rule } from '../rule.js'
import { expandTemplate, parseVersionInfo, type VersionInfo } from './version-template.js'

/** Where Debian's (and most distributions') nmap package installs its service probes. */
export const DEFAULT_NMAP_PROBES = '/usr/share/nmap/nmap-service-probes'

/** The file is ~2.5 MB; a file many times larger is not a probe file. */
const MAX_FILE_BYTES = 32 * 1024 * 1024

/** One `Probe` section of nmap-service-probes. */
export interface NmapProbe {
  protocol: 'TCP' | 'UDP'
  name: string
  /** The bytes to send (latin1 string: one char per byte). Empty for NULL. */
  payload: string
  rarity: number
  ports: readonly PortRange[]
  sslports: readonly PortRange[]
  totalwaitms: number
  tcpwrappedms: number
  fallback: readonly string[]
  line: number
}

export type PortRange = readonly [number, number]

export interface NmapLoad {
  probes: NmapProbe[]
  /** Every match/softmatch as a rule; its matchKey is `nmap.<protocol>.<probe name>`. */
  rules: Rule[]
  problems: LoadProblem[]
  /** match/softmatch lines seen, including rejected ones. */
  matchLines: number
  /** TCP ports version detection must leave alone (`Exclude`: printers print whatever they get). */
  excludeTcp: PortRange[]
}

/** The observation key a probe's response is matched under. */
export function probeKey(protocol: string, name: string): string {
  return `nmap.${protocol.toLowerCase()}.${name}`
}

/** Reads a probe file (default: the installed nmap's); problems name the file and line. */
export function loadNmapProbesFile(file = DEFAULT_NMAP_PROBES): NmapLoad {
  try {
    if (statSync(file).size > MAX_FILE_BYTES)
      return failed(file, `file is larger than ${MAX_FILE_BYTES} bytes`)
    // probe files hold raw bytes in patterns: latin1 keeps one char per byte
    return loadNmapProbes(readFileSync(file, 'latin1'), file)
  } catch (err) {
    return failed(file, `cannot read the nmap probe file: ${(err as Error).message}`)
  }
}

function failed(file: string, message: string): NmapLoad {
  return { probes: [], rules: [], problems: [{ file, line: 0, message }], matchLines: 0, excludeTcp: [] }
}

const DIRECTIVE = /^(\w+)\s*(.*)$/

/** Parses the text of an nmap-service-probes file. */
export function loadNmapProbes(text: string, file: string): NmapLoad {
  const out: NmapLoad = { probes: [], rules: [], problems: [], matchLines: 0, excludeTcp: [] }
  let probe: NmapProbe | undefined
  const lines = text.split('\n')
  for (let n = 0; n < lines.length; n++) {
    const line = n + 1
    const raw = (lines[n] as string).replace(/\r$/, '')
    if (raw.trim() === '' || raw.trimStart().startsWith('#')) continue
    const problem = (message: string, rule?: string) =>
      out.problems.push({ file, line, ...(rule ? { rule } : {}), message })
    const d = DIRECTIVE.exec(raw)
    if (!d) {
      problem(`not a directive: ${raw.slice(0, 60)}`)
      continue
    }
    const [, name, rest = ''] = d
    try {
      switch (name) {
        case 'Exclude':
          out.excludeTcp.push(...parseExclude(rest))
          break
        case 'Probe': {
          const m = /^(TCP|UDP) (\S+) q(.)/.exec(rest)
          if (!m) throw new Error('expected "Probe TCP|UDP <name> q|<payload>|"')
          const delim = m[3] as string
          const start = m[0].length
          const end = rest.indexOf(delim, start)
          if (end < 0) throw new Error('unterminated probe string')
          probe = {
            protocol: m[1] as 'TCP' | 'UDP',
            name: m[2] as string,
            payload: unescapeProbe(rest.slice(start, end)),
            rarity: 5,
            ports: [],
            sslports: [],
            totalwaitms: 5000,
            tcpwrappedms: 3000,
            fallback: [],
            line,
          }
          out.probes.push(probe)
          break
        }
        case 'match':
        case 'softmatch': {
          out.matchLines++
          if (!probe) throw new Error(`${name} before any Probe`)
          const rule = parseMatch(rest, name === 'softmatch', probe, file, line)
          if (typeof rule === 'string') problem(rule, rest.slice(0, 80))
          else out.rules.push(rule)
          break
        }
        case 'ports':
        case 'sslports':
          if (!probe) throw new Error(`${name} before any Probe`)
          probe[name] = parsePorts(rest)
          break
        case 'rarity':
        case 'totalwaitms':
        case 'tcpwrappedms': {
          if (!probe) throw new Error(`${name} before any Probe`)
          const value = Number(rest.trim())
          if (!Number.isInteger(value) || value < 0) throw new Error(`bad ${name} value ${rest}`)
          probe[name] = value
          break
        }
        case 'fallback':
          if (!probe) throw new Error('fallback before any Probe')
          probe.fallback = rest.split(',').map((s) => s.trim())
          break
        default:
          problem(`unknown directive ${name}`)
      }
    } catch (err) {
      problem((err as Error).message)
    }
  }
  return out
}

/** `Exclude T:9100-9107,U:30000-40000,53`: bare ranges apply to both protocols; we keep TCP's. */
function parseExclude(text: string): PortRange[] {
  const tcp: string[] = []
  let proto = ''
  for (const item of text.trim().split(',')) {
    const m = /^\s*(?:([TU]):)?(.+)$/.exec(item)
    if (!m) throw new Error(`bad Exclude item "${item}"`)
    if (m[1]) proto = m[1]
    if (proto !== 'U') tcp.push(m[2] as string)
  }
  return tcp.length > 0 ? parsePorts(tcp.join(',')) : []
}

function parsePorts(text: string): PortRange[] {
  return text
    .trim()
    .split(',')
    .map((part) => {
      const m = /^(\d+)(?:-(\d+))?$/.exec(part.trim())
      if (!m) throw new Error(`bad port list item "${part}"`)
      const lo = Number(m[1])
      const hi = Number(m[2] ?? m[1])
      if (lo > hi || hi > 65535) throw new Error(`bad port range "${part}"`)
      return [lo, hi] as const
    })
}

/** nmap's C-style escapes in probe strings. */
export function unescapeProbe(s: string): string {
  return s.replace(/\\(x[0-9a-fA-F]{2}|[0-7]{1,3}|.)/g, (whole, e: string) => {
    if (e[0] === 'x' && e.length === 3) return String.fromCharCode(Number.parseInt(e.slice(1), 16))
    if (/^[0-7]+$/.test(e)) return String.fromCharCode(Number.parseInt(e, 8) & 0xff)
    const simple: Record<string, string> = {
      r: '\r',
      n: '\n',
      t: '\t',
      a: '\x07',
      f: '\f',
      v: '\v',
      '\\': '\\',
    }
    if (simple[e] !== undefined) return simple[e]
    if (/[A-Za-z]/.test(e)) throw new Error(`bad escape ${whole} in probe string`)
    return e
  })
}

function parseMatch(
  rest: string,
  soft: boolean,
  probe: NmapProbe,
  file: string,
  line: number,
): Rule | string {
  const m = /^(\S+) m(.)/.exec(rest)
  if (!m) return 'expected "<service> m<delim><pattern><delim>[flags]"'
  const service = m[1] as string
  const delim = m[2] as string
  const start = m[0].length
  const end = rest.indexOf(delim, start)
  if (end < 0) return 'unterminated pattern'
  const pattern = rest.slice(start, end)
  const flagText = /^[a-z]*/.exec(rest.slice(end + 1))?.[0] ?? ''
  if (/[^is]/.test(flagText)) return `unknown pattern flags "${flagText}"`
  let info: VersionInfo
  try {
    info = parseVersionInfo(rest.slice(end + 1 + flagText.length))
  } catch (err) {
    return `bad version info: ${(err as Error).message}`
  }
  let t: ReturnType<typeof translateRegex>
  try {
    t = translateRegex(pattern, 'pcre', {
      ignoreCase: flagText.includes('i'),
      dotAll: flagText.includes('s'),
    })
  } catch (err) {
    if (err instanceof RegexTranslationError) return `untranslatable pattern: ${err.message}`
    throw err
  }
  if (t.nestedQuantifier) return `rejected (catastrophic backtracking): ${t.nestedQuantifier}`
  const groupMap = t.groupMap
  return {
    engine: 'nmap',
    id: `nmap:${probe.name}:${line}`,
    matchKey: probeKey(probe.protocol, probe.name),
    description: `${soft ? 'softmatch' : 'match'} ${service}${info.p ? ` p/${info.p}/` : ''}`,
    regex: new RegExp(t.source, t.flags),
    groupMap,
    params: [],
    // a softmatch only names the protocol: it loses to any hard match
    preference: soft ? 0.3 : 0.8,
    source: { file, line },
    examples: [],
    literals: t.literals,
    build: (match) => nmapFields(service, soft, info, (n) => match[groupMap[n] ?? -1]),
  }
}

/** The fields of an nmap match: p/ v/ i/ h/ o/ d/ and cpe:/ with their `$` templates expanded. */
function nmapFields(
  service: string,
  soft: boolean,
  info: VersionInfo,
  group: (n: number) => string | undefined,
): Record<string, string> {
  const fields: Record<string, string> = { 'service.protocol': service }
  if (soft) fields['nmap.softmatch'] = 'true'
  const set = (name: string, template: string | undefined) => {
    if (template === undefined) return
    const value = expandTemplate(template, group)
    if (value) fields[name] = value
  }
  set('service.product', info.p)
  set('service.version', info.v)
  set('service.info', info.i)
  set('host.name', info.h)
  set('os.product', info.o)
  set('hw.device', info.d)
  for (const cpe of info.cpe) {
    const part = cpe[0]
    set(part === 'a' ? 'service.cpe23' : part === 'o' ? 'os.cpe23' : 'hw.cpe23', `cpe:/${cpe}`)
  }
  return fields
}

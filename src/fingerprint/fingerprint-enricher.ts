import type { ProtocolModule } from '../core/protocol-module.js'
import type { Observation, ScanRecord } from '../core/record.js'
import type { Enricher } from '../core/sink.js'
import { builtinModules } from '../modules/index.js'
import type { FingerprintEngine } from './fingerprint-engine.js'
import { type ProbeOptions, probeService } from './nmap/nmap-prober.js'

/**
 * The observations of a record: what its protocol module's `describe` derives from
 * `data[protocol]` (or the record's banner as `<protocol>.banner` when that gives nothing), the
 * protocol itself, and the response nmap's matches read.
 */
export function observationsOf(
  record: ScanRecord,
  modules: readonly ProtocolModule<unknown>[] = builtinModules,
): Observation[] {
  const module = modules.find((m) => m.name === record.protocol)
  const data = record.data[record.protocol]
  const out: Observation[] = []
  if (module && data !== undefined) {
    try {
      out.push(...module.describe(data).observations)
    } catch {
      // a stored record from another version may not fit today's describe(): match what is left
    }
  }
  if (out.length === 0 && record.banner) out.push({ key: `${record.protocol}.banner`, value: record.banner })
  // speaking a vendor's private protocol (DVRIP, Dahua's) names the vendor by itself
  if (record.status === 'success' && module) out.push({ key: 'service.protocol', value: record.protocol })
  const negotiation = telnetNegotiation(record)
  if (negotiation) out.push(negotiation)
  const response = nmapResponse(record)
  if (response) out.push(response)
  return out
}

/** Protocols whose server talks first: their banner is what nmap's NULL probe hears. */
const SPEAKS_FIRST = new Set(['telnet', 'ftp', 'smtp', 'pop3', 'imap', 'unknown'])

/**
 * What nmap would have received for this service, rebuilt from the module's result, so nmap's
 * matches apply without a second exchange: the greeting of a server-speaks-first protocol (NULL
 * probe) or the HTTP response (GetRequest).
 */
function nmapResponse(record: ScanRecord): Observation | undefined {
  const data = record.data[record.protocol] as Record<string, unknown> | undefined
  if (record.protocol === 'http' && data && typeof data.status_line === 'string') {
    const headers = (data.headers as [string, string][] | undefined) ?? []
    const head = [data.status_line, ...headers.map(([n, v]) => `${n}: ${v}`)].join('\r\n')
    const body = typeof data.body === 'string' ? data.body : ''
    return { key: 'nmap.tcp.GetRequest', value: `${head}\r\n\r\n${body}` }
  }
  if (record.protocol === 'ssh' && data && typeof data.line === 'string') {
    return { key: 'nmap.tcp.NULL', value: `${data.line}\r\n` }
  }
  if (record.protocol === 'telnet' && data) {
    return { key: 'nmap.tcp.NULL', value: `${telnetCommands(data)}${record.banner}` }
  }
  if (record.protocol === 'ftp' && data && typeof data.banner_code === 'number') {
    return { key: 'nmap.tcp.NULL', value: `${data.banner_code} ${record.banner}\r\n` }
  }
  if (record.banner && SPEAKS_FIRST.has(record.protocol)) {
    const banner = record.banner.endsWith('\n') ? record.banner : `${record.banner}\r\n`
    return { key: 'nmap.tcp.NULL', value: banner }
  }
  return undefined
}

export interface FingerprintEnricherOptions {
  /**
   * Send nmap's probes (rarity order, bounded by the intensity) to TCP services that sent nothing
   * and that no module recognised, as nmap -sV does. Off unless given: it costs a connection per probe.
   */
  activeProbe?: ProbeOptions
}

/** The pipeline stage that sets `record.fingerprint`. */
export function createFingerprintEnricher(
  engine: FingerprintEngine,
  options: FingerprintEnricherOptions = {},
): Enricher {
  return {
    name: 'fingerprint',
    async enrich(record) {
      const silent = record.protocol === 'unknown' && record.transport === 'tcp' && !record.banner
      if (options.activeProbe && silent && record.status === 'success' && engine.nmapProbes.length > 0) {
        const probed = await probeService(
          { ip: record.ip, port: record.port, transport: 'tcp' },
          engine.nmapProbes,
          engine.rules,
          { exclude: engine.nmapExclude, ...options.activeProbe },
        )
        if (probed.matches.length > 0) {
          record.fingerprint = engine.decide(probed.matches)
          return
        }
      }
      const observations = observationsOf(record)
      if (observations.length === 0) return
      record.fingerprint = engine.fingerprint(observations, record.port)
    },
  }
}

const VERBS = [
  ['do', 0xfd],
  ['will', 0xfb],
  ['dont', 0xfe],
  ['wont', 0xfc],
] as const

const OPTION_CODES: Record<string, number> = {
  binary: 0,
  echo: 1,
  'suppress-go-ahead': 3,
  status: 5,
  'timing-mark': 6,
  'terminal-type': 24,
  naws: 31,
  'terminal-speed': 32,
  'remote-flow-control': 33,
  linemode: 34,
  'x-display-location': 35,
  environment: 36,
  authentication: 37,
  encryption: 38,
  'new-environment': 39,
}

function optionCode(name: string): number | undefined {
  return OPTION_CODES[name] ?? (/^option-(\d+)$/.exec(name) ? Number(name.slice(7)) : undefined)
}

function verbLists(data: Record<string, unknown>): [string, string[]][] {
  return VERBS.map(([verb]) => [verb, Array.isArray(data[verb]) ? (data[verb] as string[]) : []])
}

/**
 * The options a telnet server asked for, in one line (`do:echo,naws will:echo,suppress-go-ahead`):
 * telnetd implementations differ in what they negotiate even when they print no banner.
 */
function telnetNegotiation(record: ScanRecord): Observation | undefined {
  const data = record.data.telnet as Record<string, unknown> | undefined
  if (record.protocol !== 'telnet' || !data) return undefined
  const parts = verbLists(data)
    .filter(([, list]) => list.length > 0)
    .map(([verb, list]) => `${verb}:${list.join(',')}`)
  return parts.length > 0 ? { key: 'telnet.negotiation', value: parts.join(' ') } : undefined
}

/** The negotiation as bytes (DO first, then WILL, as most telnetds send it), latin1. */
function telnetCommands(data: Record<string, unknown>): string {
  let out = ''
  for (const [verb, list] of verbLists(data)) {
    const code = VERBS.find(([v]) => v === verb)?.[1] as number
    for (const name of list) {
      const option = optionCode(name)
      if (option !== undefined) out += String.fromCharCode(0xff, code, option)
    }
  }
  return out
}

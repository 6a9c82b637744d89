import type { ProtocolModule } from '../core/protocol-module.js'
import type { Observation, ScanRecord } from '../core/record.js'
import type { Enricher } from '../core/sink.js'
import { builtinModules } from '../modules/index.js'
import type { FingerprintEngine } from './fingerprint-engine.js'

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
  const response = nmapResponse(record)
  if (response) out.push(response)
  return out
}

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
  if (record.banner && record.protocol !== 'http') {
    const banner = record.banner.endsWith('\n') ? record.banner : `${record.banner}\r\n`
    return { key: 'nmap.tcp.NULL', value: banner }
  }
  return undefined
}

/** The pipeline stage that sets `record.fingerprint`. */
export function createFingerprintEnricher(engine: FingerprintEngine): Enricher {
  return {
    name: 'fingerprint',
    enrich(record) {
      const observations = observationsOf(record)
      if (observations.length === 0) return
      record.fingerprint = engine.fingerprint(observations, record.port)
    },
  }
}

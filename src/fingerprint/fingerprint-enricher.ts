import type { NmapResponse, ProtocolModule } from '../core/protocol-module.js'
import type { Observation, ScanRecord } from '../core/record.js'
import type { Enricher } from '../core/sink.js'
import { grabbers } from '../grab/grabbers.js'
import { builtinModules } from '../modules/index.js'
import type { FingerprintEngine } from './fingerprint-engine.js'
import { type ProbeOptions, probeService } from './nmap/nmap-prober.js'

/**
 * The observations of a record: what its protocol module's `describe` derives from
 * `data[protocol]` (or the record's banner as `<protocol>.banner` when that gives nothing), the
 * protocol itself, and what nmap's probes would have received (the module's `nmapResponse`).
 */
export function observationsOf(
  record: ScanRecord,
  modules: readonly ProtocolModule<unknown>[] = builtinModules,
): Observation[] {
  const module = grabbers(modules).find((m) => m.name === record.protocol)
  const data = record.data[record.protocol]
  const out: Observation[] = []
  let response: NmapResponse | undefined
  if (module && data !== undefined) {
    try {
      out.push(...module.describe(data).observations)
      response = module.nmapResponse?.(data, record.banner)
    } catch {
      // a stored record from another version may not fit today's describe(): match what is left
    }
  }
  if (out.length === 0 && record.banner) out.push({ key: `${record.protocol}.banner`, value: record.banner })
  // speaking a vendor's private protocol (DVRIP, Dahua's) names the vendor by itself
  if (record.status === 'success' && module) out.push({ key: 'service.protocol', value: record.protocol })
  // what nobody recognised spoke first, or answered the generic probe: nmap's NULL probe hears that
  if (record.protocol === 'unknown' && record.banner) {
    response = { probe: 'NULL', text: record.banner.endsWith('\n') ? record.banner : `${record.banner}\r\n` }
  }
  if (response) out.push({ key: `nmap.${record.transport}.${response.probe}`, value: response.text })
  return out
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

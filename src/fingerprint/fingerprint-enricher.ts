import type { ProtocolModule } from '../core/protocol-module.js'
import type { Observation, ScanRecord } from '../core/record.js'
import type { Enricher } from '../core/sink.js'
import { builtinModules } from '../modules/index.js'
import type { FingerprintEngine } from './fingerprint-engine.js'

/**
 * The observations of a record: what its protocol module's `describe` derives from
 * `data[protocol]`, plus the raw banner of a service no module recognised (nmap's NULL probe).
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
  if (out.length === 0 && record.banner) out.push({ key: 'raw.banner', value: record.banner })
  return out
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

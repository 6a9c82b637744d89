import { existsSync } from 'node:fs'
import type { Enricher } from '../core/sink.js'
import { FingerprintEngine } from './fingerprint-engine.js'
import { createFingerprintEnricher } from './fingerprint-enricher.js'
import { DEFAULT_NMAP_PROBES } from './nmap/load-nmap-probes.js'
import type { ProbeOptions } from './nmap/nmap-prober.js'

export interface EngineSources {
  /** Recog `xml/` folder; default `MAMORI_RECOG`. mamori does not ship Recog. */
  recog?: string
  /** nmap-service-probes; default `MAMORI_NMAP_PROBES`, else the installed nmap's when present. `off` disables. */
  nmap?: string
}

/**
 * `MAMORI_FP_PROBE=<intensity>` turns on nmap-style active probing of silent, unrecognised TCP
 * services in the scan pipeline (off by default: one connection per probe).
 */
function activeProbeFromEnv(env = process.env): ProbeOptions | undefined {
  const v = env.MAMORI_FP_PROBE
  if (!v || v === 'off') return undefined
  const intensity = Number(v)
  return Number.isInteger(intensity) && intensity >= 0 && intensity <= 9 ? { intensity } : { intensity: 7 }
}

/** Resolves where each rule database comes from: flags first, then the environment, then nmap's install. */
export function resolveSources(
  sources: EngineSources = {},
  env = process.env,
): { recog?: string; nmap?: string } {
  const recog = sources.recog ?? env.MAMORI_RECOG
  const nmapSetting = sources.nmap ?? env.MAMORI_NMAP_PROBES
  const nmap =
    nmapSetting === 'off'
      ? undefined
      : (nmapSetting ?? (existsSync(DEFAULT_NMAP_PROBES) ? DEFAULT_NMAP_PROBES : undefined))
  return { ...(recog ? { recog } : {}), ...(nmap ? { nmap } : {}) }
}

/** mamori's rules plus whatever Recog and nmap databases are configured. */
export function loadConfiguredEngine(sources: EngineSources = {}): FingerprintEngine {
  const { recog, nmap } = resolveSources(sources)
  return FingerprintEngine.load({
    ...(recog ? { recogDir: recog } : {}),
    ...(nmap ? { nmapFile: nmap } : {}),
  })
}

/** Loaded engines by their sources: rules are read-only knowledge, shared by every scan of a process. */
const loaded = new Map<string, FingerprintEngine>()

/**
 * The scan pipeline's `fingerprint` enricher. The databases (a second or two with nmap and Recog)
 * load in `prepare`, which a scan calls before its first packet, or else on the first record, so
 * commands that never enrich never pay for them; a later scan of the process reuses them.
 */
export function createDefaultFingerprintEnricher(sources: EngineSources = {}): Enricher {
  let inner: Enricher | undefined
  const load = () => {
    if (!inner) {
      const key = JSON.stringify(resolveSources(sources))
      const engine = loaded.get(key) ?? loadConfiguredEngine(sources)
      loaded.set(key, engine)
      inner = createFingerprintEnricher(engine, { activeProbe: activeProbeFromEnv() })
    }
    return inner
  }
  return {
    name: 'fingerprint',
    prepare() {
      load()
    },
    enrich(record) {
      return load().enrich(record)
    },
  }
}

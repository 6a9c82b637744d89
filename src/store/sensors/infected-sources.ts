import { NOT_INFECTED, type SensorKind, type SensorStore } from './sensor-store.js'

/** A source address a sensor saw behaving as an infected device: what the findings loop will consume. */
export interface InfectedSource {
  ip: string
  family: string
  variant?: string
  confidence: number
  /** The features that decided the family, with their descriptions. */
  features: { id: string; description: string; weight?: number }[]
  /** What the sensor recorded: sessions and URLs (honeypot), SYN and fingerprint counts (darknet). */
  evidence: Record<string, unknown>
  sensor: { kind: SensorKind; name: string }
  first_seen: string
  last_seen: string
}

/**
 * Every source the honeypot or the darknet saw infected (a named botnet family, not `unknown` and not
 * a plain scanner), at or above `minConfidence`, newest first; one entry per address and sensor.
 * Not yet wired into findings: the lead attaches these to owners' ranges as `infected` findings.
 */
export async function listInfectedSources(
  store: SensorStore,
  o: { minConfidence?: number } = {},
): Promise<InfectedSource[]> {
  const rows = await store.sources()
  return rows
    .filter((r) => !NOT_INFECTED.has(r.family) && r.confidence >= (o.minConfidence ?? 0))
    .map((r) => ({
      ip: r.ip,
      family: r.family,
      ...(r.variant ? { variant: r.variant } : {}),
      confidence: r.confidence,
      features: r.features,
      evidence: r.evidence,
      sensor: { kind: r.sensor_kind, name: r.sensor },
      first_seen: r.first_seen,
      last_seen: r.last_seen,
    }))
}

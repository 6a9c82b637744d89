import type { ScanRecord } from '../core/record.js'
import type { RecordSink } from '../core/sink.js'
import { DEFAULT_DISCOVERY, inflightFor } from '../discovery/discovery.js'
import { startLab } from '../lab/lab.js'
import type { ScanSummary } from '../scan/scan-runner.js'
import { scan } from '../scan/scan-service.js'
import { createSinks } from '../scan/sinks.js'
import { defaultAuditLogPath } from '../scope/audit-log.js'
import { parsePortSpec } from '../targets/port-spec.js'
import { buildDemoReport, type DemoReport } from './demo-report.js'

export interface DemoOptions {
  /** The lab's block: its own /20 so the demo never meets the test suite's addresses. */
  net: string
  seed: number
  devices: number
  /** Also write the records as JSON lines, and into a store, for `mamori search` afterwards. */
  out?: string
  db?: string
  onStep?: (message: string) => void
}

const DEMO_PORTS = 'iot'

export const DEFAULT_DEMO: DemoOptions = { net: '127.21.0.0/20', seed: 7, devices: 60 }

/** Collects the scan's records for the report. */
class MemorySink implements RecordSink {
  readonly records: ScanRecord[] = []
  write(record: ScanRecord): void {
    this.records.push(record)
  }
  async close(): Promise<void> {}
}

/**
 * The first thing a new user runs: start the lab, scan it as an attacker would (every iot port,
 * fingerprints, the default-credential audit), report, and stop the lab.
 */
export async function runDemo(
  o: DemoOptions,
): Promise<{ report: DemoReport; summary: ScanSummary; records: readonly ScanRecord[] }> {
  o.onStep?.(`starting the lab: ${o.devices} simulated devices on ${o.net} (seed ${o.seed})`)
  const lab = await startLab({ net: o.net, seed: o.seed, devices: o.devices })
  try {
    o.onStep?.(
      `lab ready: ${lab.truth.devices.length} devices on ${lab.listeners} ports; scanning ${o.net}, ports iot, with the credential audit`,
    )
    const memory = new MemorySink()
    const summary = await scan(
      { targets: [o.net], ports: DEMO_PORTS, exclude: [], seed: o.seed },
      {
        // loopback answers every probe at once, so the demo can go faster than the cautious default
        discovery: { ...DEFAULT_DISCOVERY, rate: 50_000, maxInflight: inflightFor(50_000, 1000, 1) },
        grabConcurrency: 200,
        auditLog: defaultAuditLogPath(),
        sinks: async () => [
          memory,
          ...(await createSinks({ out: o.out, db: o.db, parameters: { demo: true } })),
        ],
        // the default budget (100): a generic banner hides the vendor, so its defaults are not first
        audit: { pauseMs: 20 },
      },
    )
    o.onStep?.(
      `scan done: ${summary.probed} probes, ${summary.open} open, ${summary.records} records in ${(summary.duration_ms / 1000).toFixed(1)} s`,
    )
    const report = buildDemoReport(memory.records, lab.truth, parsePortSpec(DEMO_PORTS).tcp)
    return { report, summary, records: memory.records }
  } finally {
    await lab.stop()
  }
}

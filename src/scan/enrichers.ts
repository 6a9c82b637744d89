import { createAssessEnricher } from '../assess/assess-enricher.js'
import type { Enricher } from '../core/sink.js'
import { createDefaultFingerprintEnricher } from '../fingerprint/default-engine.js'
import { VulnEnricher } from '../vuln/enrich/vuln-enricher.js'

/**
 * The stages that run on every grabbed record, in this order, before it is written
 * (fingerprint, then audit, then vulnerability matching, then findings). Each area adds its own.
 * The scan runner puts host fusion right after `fingerprint` (scan-runner.ts `hostFusion`), so the
 * audit placed there too (withAuditStage) sees a vendor inferred from another service of the host.
 * A fresh list per scan: a stage that counts across records (the shared-certificate rule) counts
 * one scan's, however many scans a process runs.
 */
export function createScanEnrichers(): Enricher[] {
  return [createDefaultFingerprintEnricher(), new VulnEnricher(), createAssessEnricher()]
}

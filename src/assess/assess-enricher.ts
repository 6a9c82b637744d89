import type { ProtocolModule } from '../core/protocol-module.js'
import type { ScanRecord } from '../core/record.js'
import type { Enricher } from '../core/sink.js'
import { builtinModules } from '../modules/index.js'
import { type AssessRule, protocolData } from './assess-rule.js'
import { SharedCertificateRule } from './rules/shared-certificate.js'

/** A module's finding rules as record rules: each sees the module's result, direct or inside TLS. */
function moduleRules(module: ProtocolModule<unknown>): AssessRule[] {
  return (module.findings ?? []).map((rule) => ({
    type: rule.type,
    assess(record) {
      const result = protocolData(record, module.name)
      return result === undefined ? undefined : rule.assess(result, record)
    },
  }))
}

/**
 * The exposure rules, one per finding type: those the protocol modules carry, then those that look
 * across records (a fresh certificate rule per call, so its counts belong to one scan).
 */
function assessRules(modules: readonly ProtocolModule<unknown>[]): AssessRule[] {
  return [...modules.flatMap(moduleRules), new SharedCertificateRule()]
}

/**
 * The `assess` stage: adds one finding per rule that applies to the record, replacing an older
 * finding of the same type (findings of other stages, such as default-credentials, are kept).
 * Build one per scan: the certificate rule counts hosts across the scan's records.
 */
export function createAssessEnricher(modules: readonly ProtocolModule<unknown>[] = builtinModules): Enricher {
  const rules = assessRules(modules)
  return {
    name: 'assess',
    enrich(record: ScanRecord) {
      for (const rule of rules) {
        const finding = rule.assess(record)
        if (!finding) continue
        record.findings = [...(record.findings ?? []).filter((f) => f.type !== finding.type), finding]
      }
    },
  }
}

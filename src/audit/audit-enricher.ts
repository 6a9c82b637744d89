import type { AuditResult, Finding, ScanRecord } from '../core/record.js'
import { ScanInterruptedError } from '../core/scan-status.js'
import type { Enricher } from '../core/sink.js'
import { type AuditOptions, auditService } from './audit-service.js'
import { HostGate } from './host-gate.js'

export interface AuditEnricherOptions extends AuditOptions {
  /** Whether the scope allows the credential audit on this address (loopback always does). */
  allowed(ip: string): boolean
}

/**
 * The `audit` stage: runs after fingerprinting (so vendor defaults go first), only on services the
 * scope allows, and adds `record.audit` and, on a confirmed login, a critical finding:
 * `default-credentials`, or `no-authentication` when the audit itself proved access without any
 * credential (an open shell, an account without a password, SSH `none`, an open vendor API; what the
 * grab alone proved has its own exposure finding). One gate is shared by every record, so a device
 * sees one connection at a time.
 */
export function createAuditEnricher(options: AuditEnricherOptions): Enricher {
  const shared: AuditOptions = { ...options, gate: options.gate ?? new HostGate() }
  return {
    name: 'audit',
    async enrich(record) {
      if (record.status !== 'success' || !options.allowed(record.ip)) return
      const audit = await auditService(record, shared)
      // cut short by Ctrl-C: not a verdict; the resumed scan audits the service again
      if (audit.result === 'unknown' && interruptedBy(audit))
        throw new ScanInterruptedError(`the audit of ${record.ip}:${record.port}`)
      record.audit = audit
      const finding = auditFinding(record, audit)
      if (finding)
        record.findings = [...(record.findings ?? []).filter((f) => f.type !== finding.type), finding]
    },
  }
}

/** The audit stopped because the scan was interrupted (AuditRun's stop), not on its own evidence. */
function interruptedBy(audit: AuditResult): boolean {
  return /the scan was interrupted/.test(String((audit.evidence as { reason?: unknown } | undefined)?.reason))
}

function auditFinding(record: ScanRecord, audit: AuditResult): Finding | undefined {
  const where = `${record.protocol} on ${record.ip}:${record.port}`
  if (audit.result === 'default-credentials') {
    return {
      type: 'default-credentials',
      severity: 'critical',
      title: `Default credentials accepted on ${record.protocol}`,
      detail: `${where} accepted the user ${JSON.stringify(audit.username)} with dictionary entry ${audit.entry}`,
    }
  }
  const seenByGrab = (audit.evidence as { seen_by?: string } | undefined)?.seen_by === 'grab'
  if (audit.result === 'no-authentication' && !seenByGrab) {
    return {
      type: 'no-authentication',
      severity: 'critical',
      title: `Access without any credential on ${record.protocol}`,
      detail: audit.username
        ? `${where} let the user ${JSON.stringify(audit.username)} in without a password`
        : `${where} gave access without asking for any credential`,
    }
  }
  return undefined
}

import type { Finding } from '../core/record.js'
import type { Enricher } from '../core/sink.js'
import { type AuditOptions, auditService } from './audit-service.js'
import { HostGate } from './host-gate.js'

export interface AuditEnricherOptions extends AuditOptions {
  /** Whether the scope allows the credential audit on this address (loopback always does). */
  allowed(ip: string): boolean
}

/**
 * The `audit` stage: runs after fingerprinting (so vendor defaults go first), only on services the
 * scope allows, and adds `record.audit` and, on a confirmed login, the critical finding
 * `default-credentials`. One gate is shared by every record, so a device sees one connection at a time.
 */
export function createAuditEnricher(options: AuditEnricherOptions): Enricher {
  const shared: AuditOptions = { ...options, gate: options.gate ?? new HostGate() }
  return {
    name: 'audit',
    async enrich(record) {
      if (record.status !== 'success' || !options.allowed(record.ip)) return
      const audit = await auditService(record, shared)
      record.audit = audit
      if (audit.result === 'default-credentials') {
        const finding: Finding = {
          type: 'default-credentials',
          severity: 'critical',
          title: `Default credentials accepted on ${record.protocol}`,
          detail: `${record.protocol} on ${record.ip}:${record.port} accepted the user ${JSON.stringify(audit.username)} with dictionary entry ${audit.entry}`,
        }
        record.findings = [...(record.findings ?? []).filter((f) => f.type !== finding.type), finding]
      }
    },
  }
}

import { formatCpe } from '../../core/cpe.js'
import { MamoriError } from '../../core/errors.js'
import { parseQuery } from '../../query/parser.js'
import type { ServiceRow, Store } from '../../store/store.js'
import type { VulnDb } from '../db/vuln-db.js'
import { applyMatches, KNOWN_VULNERABILITY, matchRecord } from '../enrich/vuln-findings.js'
import { type Applicability, evaluateRecord } from '../match/applicability.js'
import { assetFromWfns } from '../match/asset.js'
import type { MatchMode } from '../match/verdict.js'
import type { VulnMatcher } from '../match/vuln-matcher.js'
import { fingerprintCpes } from '../names/fingerprint-cpes.js'

/** A stored service that one vulnerability applies to. */
export interface AffectedService {
  ip: string
  port: number
  transport: string
  protocol: string
  product?: string
  version?: string
  cpe: string[]
  status: Applicability['status']
  reason: string
}

/**
 * Services in the store that a CVE (or JVNDB id) applies to: every service with a fingerprint is
 * read page by page and its CPEs evaluated against the id's records from every source.
 */
export async function* affectedServices(
  store: Store,
  db: VulnDb,
  id: string,
  mode: MatchMode = 'strict',
): AsyncGenerator<AffectedService> {
  const records = db.records(id.trim().toUpperCase())
  if (records.length === 0)
    throw new MamoriError('ERR_NOT_FOUND', `${id} is not in the vulnerability database`)
  const memo = new Map<string, Applicability | null>()
  for await (const s of store.services(parseQuery(''))) {
    if (!s.fingerprint) continue
    const cpes = fingerprintCpes(s.fingerprint)
    if (cpes.length === 0) continue
    const key = cpes.map(formatCpe).sort().join('|')
    let best = memo.get(key)
    if (best === undefined) {
      const asset = assetFromWfns(cpes)
      best = null
      for (const r of records) {
        const a = evaluateRecord(r, asset, mode)
        if (a && (!best || (a.status === 'affected' && best.status !== 'affected'))) best = a
      }
      memo.set(key, best)
    }
    if (best) yield toAffected(s, cpes.map(formatCpe), best)
  }
}

function toAffected(s: ServiceRow, cpe: string[], a: Applicability): AffectedService {
  const out: AffectedService = {
    ip: s.ip,
    port: s.port,
    transport: s.transport,
    protocol: s.protocol,
    cpe,
    status: a.status,
    reason: a.reason,
  }
  if (s.fingerprint?.product) out.product = s.fingerprint.product
  if (s.fingerprint?.version) out.version = s.fingerprint.version
  return out
}

/**
 * Re-matches every fingerprinted service in the store (after `vuln import`/`sync`) and stores
 * its `vulns[]` and known-vulnerability findings. Returns how many services were updated.
 */
export async function applyToStore(
  store: Store,
  matcher: VulnMatcher,
): Promise<{ services: number; withVulns: number }> {
  let services = 0
  let withVulns = 0
  const updates: Array<{
    key: ServiceRow
    vulns: NonNullable<ServiceRow['vulns']>
    findings: NonNullable<ServiceRow['findings']>
  }> = []
  for await (const s of store.services(parseQuery(''))) {
    if (!s.fingerprint) continue
    const before = signature(s)
    applyMatches(s, matchRecord(matcher, s))
    if (signature(s) === before) continue
    updates.push({ key: s, vulns: s.vulns ?? [], findings: s.findings ?? [] })
  }
  // written after the read so paging is not disturbed by our own updates
  for (const u of updates) {
    await store.setVulns({ ip: u.key.ip, port: u.key.port, transport: u.key.transport }, u.vulns, u.findings)
    services++
    if (u.vulns.length) withVulns++
  }
  return { services, withVulns }
}

/** What a re-match can change, in the form the store keeps it (it may not keep every field). */
function signature(s: ServiceRow): string {
  const vulns = (s.vulns ?? []).map((v) => [v.id, v.kev, v.cvss ?? null]).sort()
  const findings = (s.findings ?? [])
    .filter((f) => f.type === KNOWN_VULNERABILITY)
    .map((f) => [f.title, f.severity])
    .sort()
  return JSON.stringify([vulns, findings])
}

import type { Finding, ScanRecord, VulnRef } from '../../core/record.js'
import { assetFromWfns } from '../match/asset.js'
import type { VulnMatch, VulnMatcher } from '../match/vuln-matcher.js'
import { fingerprintCpes } from '../names/fingerprint-cpes.js'

export const KNOWN_VULNERABILITY = 'known-vulnerability'

/** `record.vulns[]` entries for matches. */
function vulnRefs(matches: readonly VulnMatch[]): VulnRef[] {
  return matches.map((m) => {
    const ref: VulnRef = { id: m.id, kev: m.kev, status: m.status }
    if (m.cvss !== undefined) ref.cvss = m.cvss
    return ref
  })
}

/**
 * One `known-vulnerability` finding per match: severity from CVSS (v4.0, else v3.1, else v2),
 * "possibly affected" in the title when the match is indeterminate, KEV named in the title.
 */
function vulnFindings(matches: readonly VulnMatch[]): Finding[] {
  return matches.map((m) => {
    const kev = m.kev ? ', known exploited (CISA KEV)' : ''
    const cvss = m.cvss !== undefined ? `CVSS ${m.cvss_version} ${m.cvss}` : 'no CVSS score'
    return {
      type: KNOWN_VULNERABILITY,
      ref: m.id,
      severity: m.severity ?? 'medium',
      title:
        m.status === 'affected'
          ? `${m.id} (${cvss}${kev})`
          : `possibly affected by ${m.id} (${cvss}${kev}; version could not be decided)`,
      detail: m.reason,
    }
  })
}

/** The matches for a scan record's fingerprint (none without a fingerprint or CPE). */
export function matchRecord(matcher: VulnMatcher, record: Pick<ScanRecord, 'fingerprint'>): VulnMatch[] {
  if (!record.fingerprint) return []
  const cpes = fingerprintCpes(record.fingerprint)
  if (cpes.length === 0) return []
  return matcher.match(assetFromWfns(cpes))
}

/** Sets `vulns[]` and replaces the record's known-vulnerability findings with fresh ones. */
export function applyMatches(record: ScanRecord, matches: readonly VulnMatch[]): void {
  const others = (record.findings ?? []).filter((f) => f.type !== KNOWN_VULNERABILITY)
  if (matches.length === 0) {
    delete record.vulns
    if (record.findings) record.findings = others
    return
  }
  record.vulns = vulnRefs(matches)
  record.findings = [...others, ...vulnFindings(matches)]
}

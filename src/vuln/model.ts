import type { VersionBounds } from './version/version-range.js'

/** Where a record came from; one CVE can be held once per source. */
export type VulnSource = 'nvd' | 'cve5' | 'jvn' | 'csaf'

export interface CvssScore {
  score: number
  vector?: string
  severity?: string
}

/** The best CVSS per version; severity is taken from v4.0, else v3.1, else v3.0, else v2. */
export interface CvssSet {
  v40?: CvssScore
  v31?: CvssScore
  v30?: CvssScore
  v2?: CvssScore
}

/** One NVD `cpeMatch` (2.0) / `cpe_match` (1.1) entry. */
export interface CpeMatchEntry extends VersionBounds {
  vulnerable: boolean
  criteria: string
}

/**
 * An NVD configuration node. 1.1 feeds nest `children`; 2.0 has one level of nodes under a
 * configuration, which the importer turns into a root node with those nodes as children.
 */
export interface ConfigNode {
  operator: 'AND' | 'OR'
  negate?: boolean
  cpeMatch: CpeMatchEntry[]
  children?: ConfigNode[]
}

/** CVE 5 `versions[]` entry; `vers` carries a CSAF/vers range, `text` an unparsed JVN version text. */
export interface AffectedVersion {
  version?: string
  status: 'affected' | 'unaffected' | 'unknown'
  versionType?: string
  lessThan?: string
  lessThanOrEqual?: string
  changes?: Array<{ at: string; status: 'affected' | 'unaffected' | 'unknown' }>
  vers?: string
  /** Version text that could not be turned into a range (JVN): product-level match only. */
  text?: string
}

/** CVE 5 `affected[]` product (also the shape CSAF and JVN products are normalised to). */
export interface AffectedProduct {
  vendor?: string
  product?: string
  cpes?: string[]
  versions?: AffectedVersion[]
  defaultStatus?: 'affected' | 'unaffected' | 'unknown'
}

/**
 * A vulnerability record from any source, normalised: what `vuln show` prints and what the
 * applicability engine evaluates. Stored as JSON per (id, source).
 */
export interface VulnRecord {
  /** CVE id, or the source's own id (JVNDB-…) when the record names no CVE. */
  id: string
  source: VulnSource
  /** ISO time of the source's last modification: a newer record replaces an older one. */
  modified: string
  published?: string
  title?: string
  description?: string
  cvss: CvssSet
  /** Other ids of the same vulnerability (JVNDB-…, JVNVU#…, CSAF tracking id, CVE ids). */
  aliases: string[]
  /** KEV listing as carried by the record itself (NVD cisaExploitAdd, CISA ADP kev). */
  kevDateAdded?: string
  configurations: ConfigNode[]
  affected: AffectedProduct[]
  references?: string[]
}

/** A CISA KEV catalogue entry. */
export interface KevEntry {
  cveID: string
  vendorProject?: string
  product?: string
  vulnerabilityName?: string
  dateAdded?: string
  dueDate?: string
  requiredAction?: string
  knownRansomwareCampaignUse?: string
}

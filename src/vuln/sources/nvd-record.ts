import type { ConfigNode, CpeMatchEntry, CvssSet, VulnRecord } from '../model.js'
import {
  arr,
  cpeName,
  describe,
  englishText,
  isoTime,
  type Json,
  obj,
  RecordRejected,
  requireCveId,
  score,
  str,
} from './record-fields.js'

const MAX_DEPTH = 8
const MAX_VERSION = 200

function bounds(m: Json, entry: CpeMatchEntry): CpeMatchEntry {
  for (const k of [
    'versionStartIncluding',
    'versionStartExcluding',
    'versionEndIncluding',
    'versionEndExcluding',
  ]) {
    const raw = m[k]
    if (raw === undefined || raw === null || raw === '') continue
    // a bound that is dropped would widen the range to every version: refuse the record instead
    const v = str(raw, MAX_VERSION)
    if (v === undefined)
      throw new RecordRejected(undefined, `${k} is not a sane version string (${describe(raw)})`)
    const key = (k.charAt(7).toLowerCase() + k.slice(8)) as keyof CpeMatchEntry
    ;(entry as unknown as Record<string, string>)[key] = v
  }
  return entry
}

function cpeMatch(m: Json, criteriaKey: 'criteria' | 'cpe23Uri'): CpeMatchEntry | undefined {
  return bounds(m, { vulnerable: m.vulnerable === true, criteria: cpeName(m[criteriaKey], criteriaKey) })
}

function operator(v: unknown): 'AND' | 'OR' {
  return v === 'AND' ? 'AND' : 'OR'
}

/** NVD JSON 1.1 node (`children`, `cpe_match`), recursively. */
function node11(n: Json, depth: number): ConfigNode {
  if (depth > MAX_DEPTH) throw new RecordRejected(undefined, 'configuration nested too deeply')
  const out: ConfigNode = {
    operator: operator(n.operator),
    cpeMatch: arr(n.cpe_match)
      .map((m) => cpeMatch(obj(m), 'cpe23Uri'))
      .filter((m): m is CpeMatchEntry => m !== undefined),
  }
  if (n.negate === true) out.negate = true
  const children = arr(n.children).map((c) => node11(obj(c), depth + 1))
  if (children.length) out.children = children
  return out
}

/** NVD API 2.0 configuration `{operator?, negate?, nodes[]}` → one root node. */
function config20(c: Json): ConfigNode {
  const nodes = arr(c.nodes).map((n): ConfigNode => {
    const nn = obj(n)
    const out: ConfigNode = {
      operator: operator(nn.operator),
      cpeMatch: arr(nn.cpeMatch)
        .map((m) => cpeMatch(obj(m), 'criteria'))
        .filter((m): m is CpeMatchEntry => m !== undefined),
    }
    if (nn.negate === true) out.negate = true
    return out
  })
  const root: ConfigNode = { operator: operator(c.operator), cpeMatch: [], children: nodes }
  if (c.negate === true) root.negate = true
  return root
}

function pickMetric(list: unknown): Json | undefined {
  const items = arr(list).map(obj)
  return items.find((m) => m.type === 'Primary') ?? items[0]
}

function cvss20(metrics: Json): CvssSet {
  const out: CvssSet = {}
  const set = (key: keyof CvssSet, field: string, v2 = false) => {
    const m = pickMetric(metrics[field])
    if (!m) return
    const d = obj(m.cvssData)
    const s = score(d.baseScore, d.vectorString, v2 ? m.baseSeverity : d.baseSeverity, `metrics.${field}`)
    if (s) out[key] = s
  }
  set('v40', 'cvssMetricV40')
  set('v31', 'cvssMetricV31')
  set('v30', 'cvssMetricV30')
  set('v2', 'cvssMetricV2', true)
  return out
}

function references(list: unknown, key: string): string[] {
  return arr(list)
    .map((r) => str(obj(r)[key], 2000))
    .filter((u): u is string => !!u)
    .slice(0, 20)
}

/** Normalises an NVD API 2.0 `cve` object (one element of `vulnerabilities[].cve`). */
export function fromNvd20(cve: Json): VulnRecord {
  const id = requireCveId(cve.id, 'id')
  try {
    const modified = isoTime(cve.lastModified, 'lastModified')
    if (!modified) throw new RecordRejected(id, 'missing or invalid lastModified')
    const rec: VulnRecord = {
      id,
      source: 'nvd',
      modified,
      cvss: cvss20(obj(cve.metrics)),
      aliases: [],
      configurations: arr(cve.configurations).map((c) => config20(obj(c))),
      affected: [],
      references: references(cve.references, 'url'),
    }
    const published = isoTime(cve.published, 'published')
    if (published) rec.published = published
    const description = englishText(cve.descriptions)
    if (description) rec.description = description
    const kev = str(cve.cisaExploitAdd, 40)
    if (kev) rec.kevDateAdded = kev
    const name = str(cve.cisaVulnerabilityName, 500)
    if (name) rec.title = name
    return rec
  } catch (err) {
    if (err instanceof RecordRejected) throw new RecordRejected(id, err.message)
    throw err
  }
}

/** Normalises an NVD JSON 1.1 feed item (one element of `CVE_Items`). */
export function fromNvd11(item: Json): VulnRecord {
  const meta = obj(obj(item.cve).CVE_data_meta)
  const id = requireCveId(meta.ID, 'cve.CVE_data_meta.ID')
  try {
    const modified = isoTime(item.lastModifiedDate, 'lastModifiedDate')
    if (!modified) throw new RecordRejected(id, 'missing or invalid lastModifiedDate')
    const impact = obj(item.impact)
    const cvss: CvssSet = {}
    const v3 = obj(obj(impact.baseMetricV3).cvssV3)
    const s3 = score(v3.baseScore, v3.vectorString, v3.baseSeverity, 'impact.baseMetricV3.cvssV3')
    if (s3) cvss[v3.version === '3.0' ? 'v30' : 'v31'] = s3
    const m2 = obj(impact.baseMetricV2)
    const v2 = obj(m2.cvssV2)
    const s2 = score(v2.baseScore, v2.vectorString, m2.severity, 'impact.baseMetricV2')
    if (s2) cvss.v2 = s2
    const rec: VulnRecord = {
      id,
      source: 'nvd',
      modified,
      cvss,
      aliases: [],
      configurations: arr(obj(item.configurations).nodes).map((n) => node11(obj(n), 0)),
      affected: [],
      references: references(obj(obj(item.cve).references).reference_data, 'url'),
    }
    const published = isoTime(item.publishedDate, 'publishedDate')
    if (published) rec.published = published
    const description = englishText(obj(obj(item.cve).description).description_data)
    if (description) rec.description = description
    return rec
  } catch (err) {
    if (err instanceof RecordRejected) throw new RecordRejected(id, err.message)
    throw err
  }
}

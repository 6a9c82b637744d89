import type { AffectedProduct, AffectedVersion, CvssSet, VulnRecord } from '../model.js'
import {
  arr,
  cpeName,
  englishText,
  isoTime,
  type Json,
  obj,
  RecordRejected,
  requireCveId,
  score,
  str,
} from './record-fields.js'

type Status = AffectedVersion['status']
function status(v: unknown): Status | undefined {
  return v === 'affected' || v === 'unaffected' || v === 'unknown' ? v : undefined
}

function version(v: Json): AffectedVersion | undefined {
  const st = status(v.status)
  if (!st) return undefined
  const out: AffectedVersion = { status: st }
  for (const k of ['version', 'versionType', 'lessThan', 'lessThanOrEqual'] as const) {
    if (v[k] === undefined || v[k] === null) continue
    // a bound that is dropped would widen the range: refuse the record instead
    const s = str(v[k], 200)
    if (s === undefined) throw new RecordRejected(undefined, `versions[].${k} is not a sane version string`)
    out[k] = s
  }
  const changes = arr(v.changes)
    .map(obj)
    .map((c) => ({ at: str(c.at, 200), status: status(c.status) }))
    .filter((c): c is { at: string; status: Status } => c.at !== undefined && c.status !== undefined)
  if (changes.length) out.changes = changes
  return out
}

function product(a: Json): AffectedProduct | undefined {
  const p: AffectedProduct = {}
  const vendor = str(a.vendor, 300)
  const name = str(a.product, 300) ?? str(a.packageName, 300)
  if (vendor && vendor.toLowerCase() !== 'n/a') p.vendor = vendor
  if (name && name.toLowerCase() !== 'n/a') p.product = name
  const cpes = arr(a.cpes).map((c) => cpeName(c, 'affected.cpes'))
  if (cpes.length) p.cpes = cpes
  const versions = arr(a.versions)
    .map((v) => version(obj(v)))
    .filter((v): v is AffectedVersion => v !== undefined)
  if (versions.length) p.versions = versions
  const def = status(a.defaultStatus)
  if (def) p.defaultStatus = def
  if (!p.cpes && !(p.vendor && p.product)) return undefined
  return p
}

function metrics(list: unknown, into: CvssSet): void {
  for (const m of arr(list).map(obj)) {
    const pairs: Array<[keyof CvssSet, string]> = [
      ['v40', 'cvssV4_0'],
      ['v31', 'cvssV3_1'],
      ['v30', 'cvssV3_0'],
      ['v2', 'cvssV2_0'],
    ]
    for (const [key, field] of pairs) {
      const d = obj(m[field])
      if (into[key] || !('baseScore' in d)) continue
      const s = score(d.baseScore, d.vectorString, d.baseSeverity, `metrics.${field}`)
      if (s) into[key] = s
    }
  }
}

/**
 * Normalises a CVE JSON 5.x record: the CNA container and every ADP container (CISA's adds CPEs
 * and KEV) contribute affected products and metrics. Rejected records (state REJECTED) are refused.
 */
export function fromCve5(rec: Json): VulnRecord {
  const meta = obj(rec.cveMetadata)
  const id = requireCveId(meta.cveId, 'cveMetadata.cveId')
  try {
    if (meta.state === 'REJECTED') throw new RecordRejected(id, 'record state is REJECTED')
    const containers = obj(rec.containers)
    const cna = obj(containers.cna)
    const adp = arr(containers.adp).map(obj)
    const modified =
      isoTime(meta.dateUpdated, 'cveMetadata.dateUpdated') ??
      isoTime(obj(cna.providerMetadata).dateUpdated, 'containers.cna.providerMetadata.dateUpdated') ??
      isoTime(meta.datePublished, 'cveMetadata.datePublished')
    if (!modified) throw new RecordRejected(id, 'no dateUpdated or datePublished')
    const cvss: CvssSet = {}
    metrics(cna.metrics, cvss)
    for (const a of adp) metrics(a.metrics, cvss)
    let kevDateAdded: string | undefined
    for (const a of adp) {
      for (const m of arr(a.metrics).map(obj)) {
        const other = obj(m.other)
        if (other.type === 'kev') kevDateAdded = str(obj(other.content).dateAdded, 40) ?? 'listed'
      }
    }
    const affected = [cna, ...adp]
      .flatMap((c) => arr(c.affected))
      .map((a) => product(obj(a)))
      .filter((p): p is AffectedProduct => p !== undefined)
    const out: VulnRecord = {
      id,
      source: 'cve5',
      modified,
      cvss,
      aliases: [],
      configurations: [],
      affected,
      references: arr(cna.references)
        .map((r) => str(obj(r).url, 2000))
        .filter((u): u is string => !!u)
        .slice(0, 20),
    }
    const published = isoTime(meta.datePublished, 'cveMetadata.datePublished')
    if (published) out.published = published
    const title = str(cna.title, 500)
    if (title) out.title = title
    const description = englishText(cna.descriptions)
    if (description) out.description = description
    if (kevDateAdded) out.kevDateAdded = kevDateAdded
    return out
  } catch (err) {
    if (err instanceof RecordRejected) throw new RecordRejected(id, err.message)
    throw err
  }
}

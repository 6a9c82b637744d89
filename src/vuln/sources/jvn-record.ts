import { formatCpe, tryParseCpe } from '../../core/cpe.js'
import type { AffectedProduct, CvssSet, VulnRecord } from '../model.js'
import { parseJvnVersionText } from './jvn-version-text.js'
import { arr, cveIdsIn, isoTime, type Json, obj, RecordRejected, score } from './record-fields.js'

const JVNDB_ID = /^JVNDB-\d{4}-\d{3,}$/

/** Text of an element parsed by fast-xml-parser (`'x'` or `{ '#text': 'x', '@_…': … }`). */
function text(v: unknown): string | undefined {
  if (typeof v === 'string') return v
  if (typeof v === 'object' && v !== null && '#text' in v) return String((v as Json)['#text'])
  return undefined
}

/** JVN writes CPE 2.2 URIs; stored as 2.3 formatted strings. */
function cpe23(uri: string | undefined): string | undefined {
  if (!uri) return undefined
  const w = tryParseCpe(uri.trim())
  return w ? formatCpe(w) : undefined
}

function cvssItems(list: unknown, into: CvssSet): void {
  for (const c of arr(list).map(obj)) {
    const version = String(c['@_version'] ?? '')
    const s = score(
      text(c.Base) ?? c['@_score'],
      text(c.Vector) ?? c['@_vector'],
      text(c.Severity) ?? c['@_severity'],
      `CVSS ${version}`,
    )
    if (!s) continue
    const key = version.startsWith('4')
      ? 'v40'
      : version === '3.0'
        ? 'v30'
        : version.startsWith('3')
          ? 'v31'
          : 'v2'
    if (!into[key]) into[key] = s
  }
}

interface JvnFields {
  modified: string
  cvss: CvssSet
  aliases: Set<string>
  affected: VulnRecord['affected']
  title: string | undefined
  description: string | undefined
  published: string | undefined
}

function finish(id: string, f: JvnFields): VulnRecord[] {
  const rec: Omit<VulnRecord, 'id' | 'source'> = {
    modified: f.modified,
    cvss: f.cvss,
    aliases: [...f.aliases],
    configurations: [],
    affected: f.affected,
  }
  if (f.title) rec.title = f.title
  if (f.description) rec.description = f.description.slice(0, 4000)
  if (f.published) rec.published = f.published
  // keyed by CVE so JVN knowledge joins the NVD/CVE 5 record; the JVNDB id stays an alias
  const cves = rec.aliases.filter((a) => a.startsWith('CVE-'))
  const ids = cves.length > 0 ? cves : [id]
  return ids.map((cve) => ({
    ...rec,
    id: cve,
    source: 'jvn',
    aliases: [id, ...rec.aliases.filter((a) => a !== cve)],
  }))
}

/** Normalises a VULDEF 3.2 `Vulinfo` element (getVulnDetailInfo, detail feeds): one record per CVE it names. */
export function fromJvnVuldef(v: Json): VulnRecord[] {
  const id = text(v.VulinfoID)?.trim()
  if (!id || !JVNDB_ID.test(id)) throw new RecordRejected(id?.slice(0, 40), 'missing or invalid VulinfoID')
  const data = obj(v.VulinfoData)
  const modified =
    isoTime(text(data.DateLastUpdated), 'DateLastUpdated') ??
    isoTime(text(data.DateFirstPublished), 'DateFirstPublished')
  if (!modified) throw new RecordRejected(id, 'missing DateLastUpdated')
  const affected: AffectedProduct[] = []
  for (const item of arr(obj(data.Affected).AffectedItem).map(obj)) {
    const cpe = cpe23(text(arr(item.Cpe)[0]))
    const p: AffectedProduct = {}
    if (cpe) p.cpes = [cpe]
    const vendor = text(item.Name)
    const product = text(item.ProductName)
    if (vendor) p.vendor = vendor
    if (product) p.product = product
    const versions = arr(item.VersionNumber)
      .map(text)
      .filter((t): t is string => !!t && t.trim().length > 0)
      .map(parseJvnVersionText)
    if (versions.length) p.versions = versions
    else p.defaultStatus = 'affected'
    if (p.cpes) affected.push(p)
  }
  const cvss: CvssSet = {}
  cvssItems(obj(data.Impact).Cvss, cvss)
  const aliases = new Set<string>()
  for (const r of arr(obj(data.Related).RelatedItem).map(obj)) {
    const rid = text(r.VulinfoID)?.trim()
    if (!rid) continue
    if (/^CVE-\d{4}-\d{4,}$/.test(rid) || /^JVN(?:VU)?#/.test(rid)) aliases.add(rid)
  }
  return finish(id, {
    modified,
    cvss,
    aliases,
    affected,
    title: text(data.Title),
    description: text(obj(data.VulinfoDescription).Overview),
    published: isoTime(text(data.DateFirstPublished), 'DateFirstPublished'),
  })
}

/** Normalises a JVNRSS 3.2 `item` (getVulnOverviewList, RSS feeds): product-level CPEs without versions. */
export function fromJvnRss(item: Json): VulnRecord[] {
  const id = text(item.identifier)?.trim()
  if (!id || !JVNDB_ID.test(id))
    throw new RecordRejected(id?.slice(0, 40), 'missing or invalid sec:identifier')
  const modified =
    isoTime(text(item.modified), 'dcterms:modified') ??
    isoTime(text(item.issued), 'dcterms:issued') ??
    isoTime(text(item.date), 'dc:date')
  if (!modified) throw new RecordRejected(id, 'missing dcterms:modified')
  const aliases = new Set<string>()
  for (const r of arr(item.references).map(obj)) {
    const rid = String(r['@_id'] ?? '')
    if (r['@_source'] === 'CVE' || r['@_source'] === 'NVD') for (const c of cveIdsIn(rid)) aliases.add(c)
    if (r['@_source'] === 'JVN' && /^JVN/.test(rid)) aliases.add(rid)
  }
  const affected: AffectedProduct[] = []
  for (const c of arr(item.cpe)) {
    const cpe = cpe23(text(c))
    if (!cpe) continue
    affected.push({
      cpes: [cpe],
      versions: [{ status: 'affected', text: 'JVNRSS names the product without versions' }],
    })
  }
  const cvss: CvssSet = {}
  cvssItems(item.cvss, cvss)
  return finish(id, {
    modified,
    cvss,
    aliases,
    affected,
    title: text(item.title),
    description: text(item.description),
    published: isoTime(text(item.issued), 'dcterms:issued'),
  })
}

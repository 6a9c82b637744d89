import type { AffectedProduct, AffectedVersion, CvssSet, VulnRecord } from '../model.js'
import {
  arr,
  CVE_ID,
  cpeName,
  englishText,
  isoTime,
  type Json,
  obj,
  RecordRejected,
  score,
  str,
} from './record-fields.js'

interface CsafProduct {
  vendor?: string
  product?: string
  version?: string
  range?: string
  cpe?: string
}

const MAX_BRANCH_DEPTH = 30

/** product_id → what the product tree says about it (vendor → product_name → version/range). */
function productTree(tree: Json): Map<string, CsafProduct> {
  const out = new Map<string, CsafProduct>()
  const add = (fpn: Json, ctx: CsafProduct) => {
    const id = str(fpn.product_id, 200)
    if (!id) return
    const helper = obj(fpn.product_identification_helper)
    const p: CsafProduct = { ...ctx }
    if (helper.cpe !== undefined)
      p.cpe = cpeName(helper.cpe, `product ${id} product_identification_helper.cpe`)
    if (!p.product) p.product = str(fpn.name, 300)
    out.set(id, p)
  }
  const walk = (branches: unknown, ctx: CsafProduct, depth: number) => {
    if (depth > MAX_BRANCH_DEPTH) throw new RecordRejected(undefined, 'product_tree nested too deeply')
    for (const b of arr(branches).map(obj)) {
      const name = str(b.name, 300)
      const next = { ...ctx }
      switch (b.category) {
        case 'vendor':
          next.vendor = name
          break
        case 'product_name':
        case 'product_family':
          next.product = name
          break
        case 'product_version':
          next.version = name
          break
        case 'product_version_range':
          next.range = name
          break
      }
      if (b.product) add(obj(b.product), next)
      walk(b.branches, next, depth + 1)
    }
  }
  walk(tree.branches, {}, 0)
  for (const fpn of arr(tree.full_product_names).map(obj)) add(fpn, {})
  return out
}

const AFFECTED = ['known_affected', 'first_affected', 'last_affected']
const UNAFFECTED = ['fixed', 'first_fixed', 'known_not_affected']

function toAffected(p: CsafProduct, status: 'affected' | 'unaffected'): AffectedProduct {
  const a: AffectedProduct = {}
  if (p.vendor) a.vendor = p.vendor
  if (p.product) a.product = p.product
  if (p.cpe) a.cpes = [p.cpe]
  const v: AffectedVersion | undefined = p.range
    ? { vers: p.range, status }
    : p.version
      ? { version: p.version, status }
      : undefined
  if (v) a.versions = [v]
  else a.defaultStatus = status
  return a
}

/**
 * Normalises a CSAF 2.0 document into one record per vulnerability (keyed by its CVE, or by the
 * advisory's tracking id and the vulnerability's position when it names none).
 */
export function fromCsaf(doc: Json): VulnRecord[] {
  const document = obj(doc.document)
  const tracking = obj(document.tracking)
  const trackingId = str(tracking.id, 200)
  if (!trackingId) throw new RecordRejected(undefined, 'missing document.tracking.id')
  if (!str(document.csaf_version, 10)) throw new RecordRejected(trackingId, 'missing document.csaf_version')
  const modified = isoTime(tracking.current_release_date, 'document.tracking.current_release_date')
  if (!modified)
    throw new RecordRejected(trackingId, 'missing or invalid document.tracking.current_release_date')
  const products = productTree(obj(doc.product_tree))
  return arr(doc.vulnerabilities)
    .map(obj)
    .map((v, i): VulnRecord => {
      const cve = str(v.cve, 40)
      const id = cve && CVE_ID.test(cve) ? cve : `${trackingId}#${i + 1}`
      const status = obj(v.product_status)
      const affected: AffectedProduct[] = []
      // unaffected entries first: the CVE 5 algorithm takes the first entry that holds
      for (const [keys, st] of [
        [UNAFFECTED, 'unaffected'],
        [AFFECTED, 'affected'],
      ] as const) {
        for (const key of keys) {
          for (const pid of arr(status[key])) {
            const p = typeof pid === 'string' ? products.get(pid) : undefined
            if (p && (p.cpe || (p.vendor && p.product))) affected.push(toAffected(p, st))
          }
        }
      }
      const cvss: CvssSet = {}
      for (const s of arr(v.scores).map(obj)) {
        const v3 = obj(s.cvss_v3)
        const s3 = score(v3.baseScore, v3.vectorString, v3.baseSeverity, 'scores.cvss_v3')
        const key = v3.version === '3.0' ? 'v30' : 'v31'
        if (s3 && !cvss[key]) cvss[key] = s3
        const v2 = obj(s.cvss_v2)
        const s2 = score(v2.baseScore, v2.vectorString, undefined, 'scores.cvss_v2')
        if (s2 && !cvss.v2) cvss.v2 = s2
      }
      const rec: VulnRecord = {
        id,
        source: 'csaf',
        modified,
        cvss,
        aliases: [trackingId],
        configurations: [],
        affected,
      }
      const title = str(v.title, 500) ?? str(document.title, 500)
      if (title) rec.title = title
      const description = englishText(
        arr(v.notes).filter((n) => obj(n).category === 'description'),
        'text',
      )
      if (description) rec.description = description
      const published = isoTime(tracking.initial_release_date, 'document.tracking.initial_release_date')
      if (published) rec.published = published
      return rec
    })
}

import { MamoriError } from '../../core/errors.js'
import type { VulnDb } from '../db/vuln-db.js'
import { bestCvss, severityOf } from '../match/vuln-matcher.js'
import type { ConfigNode, CvssSet, KevEntry, VulnRecord, VulnSource } from '../model.js'

/** What `vuln show` prints: the record from every source, the best CVSS, KEV status, JVN ids, ranges. */
export interface VulnReport {
  id: string
  title?: string
  description?: string
  published?: string
  modified?: string
  cvss?: { score: number; version: string; vector?: string; severity: string }
  cvss_all: Partial<Record<VulnSource, CvssSet>>
  kev?: KevEntry
  jvn: string[]
  aliases: string[]
  sources: VulnSource[]
  /** One line per vulnerable CPE range or affected product, per source. */
  affected: string[]
}

const ID = /^(?:CVE-\d{4}-\d{4,19}|JVNDB-\d{4}-\d{3,})$/i

export function vulnReport(db: VulnDb, rawId: string): VulnReport {
  const id = rawId.trim().toUpperCase()
  if (!ID.test(id)) throw new MamoriError('ERR_USAGE', `"${rawId.slice(0, 60)}" is not a CVE or JVNDB id`)
  const records = db.records(id)
  const kev = db.kev(id)
  if (records.length === 0 && !kev)
    throw new MamoriError('ERR_NOT_FOUND', `${id} is not in the vulnerability database`)
  const byPreference = [...records].sort((a, b) => order(a.source) - order(b.source))
  const main = byPreference[0]
  const aliases = new Set<string>([...db.aliases(id), ...records.flatMap((r) => r.aliases)])
  aliases.delete(id)
  const report: VulnReport = {
    id: main?.id.startsWith('CVE-') ? main.id : id,
    cvss_all: Object.fromEntries(records.map((r) => [r.source, r.cvss])),
    jvn: [...aliases].filter((a) => a.startsWith('JVN')).sort(),
    aliases: [...aliases].sort(),
    sources: records.map((r) => r.source),
    affected: records.flatMap(affectedLines),
  }
  const title = byPreference.find((r) => r.title)?.title
  if (title) report.title = title
  const description = byPreference.find((r) => r.description)?.description
  if (description) report.description = description
  if (main?.published) report.published = main.published
  if (records.length)
    report.modified = records
      .map((r) => r.modified)
      .sort()
      .at(-1) as string
  const best = bestCvss(records)
  if (best) {
    report.cvss = { score: best.score.score, version: best.version, severity: severityOf(best.score.score) }
    if (best.score.vector) report.cvss.vector = best.score.vector
  }
  if (kev) report.kev = kev
  else {
    const listed = records.find((r) => r.kevDateAdded)
    if (listed) report.kev = { cveID: id, dateAdded: listed.kevDateAdded as string }
  }
  return report
}

function order(s: VulnSource): number {
  return ['nvd', 'cve5', 'csaf', 'jvn'].indexOf(s)
}

function affectedLines(r: VulnRecord): string[] {
  const out: string[] = []
  const walk = (n: ConfigNode, platform: string[]) => {
    for (const m of n.cpeMatch) {
      if (!m.vulnerable) continue
      const b: string[] = []
      if (m.startIncluding) b.push(`>= ${m.startIncluding}`)
      if (m.startExcluding) b.push(`> ${m.startExcluding}`)
      if (m.endIncluding) b.push(`<= ${m.endIncluding}`)
      if (m.endExcluding) b.push(`< ${m.endExcluding}`)
      const on = platform.length
        ? ` (running on ${platform.slice(0, 3).join(', ')}${platform.length > 3 ? ', …' : ''})`
        : ''
      out.push(`${r.source}: ${m.criteria}${b.length ? ` ${b.join(', ')}` : ''}${on}`)
    }
    for (const c of n.children ?? []) walk(c, platform)
  }
  for (const cfg of r.configurations) {
    const platform: string[] = []
    const collect = (n: ConfigNode) => {
      for (const m of n.cpeMatch) if (!m.vulnerable) platform.push(m.criteria)
      for (const c of n.children ?? []) collect(c)
    }
    if (cfg.operator === 'AND') collect(cfg)
    walk(cfg, platform)
  }
  for (const a of r.affected) {
    const name = a.cpes?.join(' ') ?? `${a.vendor} ${a.product}`
    const versions = (a.versions ?? []).map((v) => {
      if (v.text !== undefined) return `"${v.text}"`
      if (v.vers !== undefined) return v.vers
      if (v.lessThan !== undefined) return `${v.status} ${v.version ?? '0'} ..< ${v.lessThan}`
      if (v.lessThanOrEqual !== undefined) return `${v.status} ${v.version ?? '0'} ..= ${v.lessThanOrEqual}`
      return `${v.status} ${v.version}`
    })
    const def = a.defaultStatus ? ` (default ${a.defaultStatus})` : ''
    out.push(`${r.source}: ${name}: ${versions.join('; ') || 'all versions'}${def}`)
  }
  return out
}

/** Imported text is untrusted: no control characters (terminal escapes) reach the screen. */
function safe(s: string): string {
  return s.replace(/\p{Cc}/gu, ' ')
}

/** Terminal text for a report. */
export function vulnReportText(r: VulnReport): string {
  const lines = [`${r.id}${r.title ? `  ${r.title}` : ''}`]
  if (r.cvss)
    lines.push(
      `  CVSS ${r.cvss.version}: ${r.cvss.score} ${r.cvss.severity}${r.cvss.vector ? `  ${r.cvss.vector}` : ''}`,
    )
  lines.push(
    r.kev
      ? `  KEV: yes, added ${r.kev.dateAdded ?? '?'}${r.kev.dueDate ? `, due ${r.kev.dueDate}` : ''}${r.kev.knownRansomwareCampaignUse === 'Known' ? ', used by ransomware' : ''}`
      : '  KEV: no',
  )
  if (r.jvn.length) lines.push(`  JVN: ${r.jvn.join(', ')}`)
  if (r.published) lines.push(`  published ${r.published.slice(0, 10)}, modified ${r.modified?.slice(0, 10)}`)
  lines.push(`  sources: ${r.sources.join(', ') || 'KEV only'}`)
  if (r.description) lines.push('', `  ${r.description.replace(/\s+/g, ' ').slice(0, 600)}`)
  if (r.affected.length) {
    lines.push('', '  affected:')
    for (const a of r.affected.slice(0, 50)) lines.push(`    ${a}`)
    if (r.affected.length > 50) lines.push(`    … ${r.affected.length - 50} more (--json for all)`)
  }
  return `${lines.map(safe).join('\n')}\n`
}

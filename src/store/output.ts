import { escapeText } from '../core/escape.js'
import type { DiffEntry, FacetResult, HostReport, ScanSummary, ServiceRow } from './store.js'

/**
 * Text from scanned devices shown on a terminal: one line, every control (ESC, C1, bidi overrides)
 * written as a visible escape so a banner cannot move the cursor or change colours.
 */
export function oneLine(text: string, max = 80): string {
  // a tab would split a tab-separated row: escaped too
  const flat = escapeText(text.trim().replace(/\r/g, '').replace(/\n/g, ' ⏎ ')).replace(/\t/g, '\\x09')
  return flat.length > max ? `${flat.slice(0, max)}…` : flat
}

/** Aligned columns on a terminal, tab-separated otherwise. */
export function table(header: string[], rows: string[][], tty: boolean): string {
  if (!tty) return `${[header, ...rows].map((r) => r.join('\t')).join('\n')}\n`
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)))
  const line = (r: string[]) =>
    r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i] as number))).join('  ')
  return `${[line(header), ...rows.map(line)].join('\n')}\n`
}

const fp = (r: ServiceRow) =>
  [r.fingerprint?.vendor, r.fingerprint?.product, r.fingerprint?.version].filter(Boolean).join(' ')

export function servicesTable(rows: readonly ServiceRow[], tty: boolean): string {
  return table(
    ['ADDRESS', 'PROTO', 'PRODUCT', 'LAST SEEN', 'BANNER'],
    rows.map((r) => [
      `${r.ip}:${r.port}/${r.transport}`,
      r.protocol,
      oneLine(fp(r), 40),
      r.last_seen.slice(0, 19),
      oneLine(r.banner, 60),
    ]),
    tty,
  )
}

const CSV_COLUMNS = [
  'ip',
  'port',
  'transport',
  'protocol',
  'status',
  'vendor',
  'product',
  'version',
  'device_type',
  'os',
  'first_seen',
  'last_seen',
  'scan_id',
  'banner',
] as const

function csvCell(value: unknown): string {
  let s = escapeText(value === undefined || value === null ? '' : String(value))
  // a banner starting with = + - @ would run as a formula in a spreadsheet
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s
}

export function csvHeader(): string {
  return `${CSV_COLUMNS.join(',')}\r\n`
}

export function csvRows(rows: readonly ServiceRow[]): string {
  return rows
    .map((r) => {
      const flat: Record<string, unknown> = { ...r, ...r.fingerprint }
      return `${CSV_COLUMNS.map((c) => csvCell(flat[c])).join(',')}\r\n`
    })
    .join('')
}

export function facetsText(result: FacetResult, tty: boolean): string {
  let out = `total: ${result.total}\n`
  for (const f of result.facets) {
    out += `\n${f.field}\n`
    out += table(
      ['VALUE', 'COUNT'],
      f.values.map((v) => [oneLine(String(v.value), 60), String(v.count)]),
      tty,
    )
  }
  return out
}

export function hostText(h: HostReport): string {
  let out = `${h.ip}  first seen ${h.first_seen}  last seen ${h.last_seen}\n`
  if (h.country || h.asn || h.org)
    out += `owner: ${[h.country, h.asn && `AS${h.asn}`, h.org].filter(Boolean).join(' ')}\n`
  for (const s of h.services) {
    out += `\n${s.port}/${s.transport} ${s.protocol} ${s.status}  first ${s.first_seen}  last ${s.last_seen}\n`
    if (s.fingerprint)
      out += `  fingerprint: ${oneLine(fp(s) || '-', 80)} ${s.fingerprint.device_type ?? ''} ${s.fingerprint.cpe.join(' ')}\n`
    out += `  banner: ${oneLine(s.banner, 200)}\n`
    if (s.audit)
      out += `  audit: ${s.audit.result}${s.audit.username ? ` (user ${oneLine(s.audit.username, 40)})` : ''}\n`
    for (const v of s.vulns ?? [])
      out += `  vuln: ${v.id}${v.cvss !== undefined ? ` cvss ${v.cvss}` : ''}${v.kev ? ' KEV' : ''}\n`
    for (const f of s.findings ?? []) out += `  finding: ${f.type} (${f.severity})\n`
    for (const e of s.history) {
      const what = e.changed.length ? `changed: ${e.changed.join(', ')}` : ''
      out += `  ${e.timestamp.slice(0, 19)}  ${e.scan_id}  ${e.status}  ${oneLine(e.banner, 50)}  ${what}\n`
    }
  }
  return out
}

export function scansTable(scans: readonly ScanSummary[], tty: boolean): string {
  return table(
    ['SCAN', 'STARTED', 'FINISHED', 'RECORDS', 'HOSTS'],
    scans.map((s) => [
      oneLine(s.id, 60),
      s.started_at,
      s.finished_at ?? '-',
      String(s.records),
      String(s.hosts),
    ]),
    tty,
  )
}

export function diffTable(entries: readonly DiffEntry[], tty: boolean): string {
  const mark = { appeared: '+', disappeared: '-', changed: '~' } as const
  return table(
    ['', 'ADDRESS', 'WHAT', 'BEFORE', 'AFTER'],
    entries.map((e) => [
      mark[e.change],
      `${e.ip}:${e.port}/${e.transport}`,
      e.change === 'changed' ? e.fields.join(',') : e.change,
      oneLine(e.before ? `${e.before.product ?? ''} ${e.before.version ?? ''} ${e.before.banner}` : '', 40),
      oneLine(e.after ? `${e.after.product ?? ''} ${e.after.version ?? ''} ${e.after.banner}` : '', 40),
    ]),
    tty,
  )
}

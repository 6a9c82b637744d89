import type { CvssScore } from '../model.js'

/** Thrown by a normaliser for a record it must reject; the importer adds the position. */
export class RecordRejected extends Error {
  constructor(
    readonly recordId: string | undefined,
    message: string,
  ) {
    super(message)
    this.name = 'RecordRejected'
  }
}

export type Json = Record<string, unknown>

export function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

export function obj(v: unknown): Json {
  return isObject(v) ? v : {}
}

export function arr(v: unknown): unknown[] {
  return Array.isArray(v) ? v : []
}

export function str(v: unknown, max = 100_000): string | undefined {
  return typeof v === 'string' && v.length <= max ? v : undefined
}

export const CVE_ID = /^CVE-\d{4}-\d{4,19}$/

/** A required CVE id, or a rejection naming what was found. */
export function requireCveId(v: unknown, field: string): string {
  const id = typeof v === 'string' ? v.trim() : undefined
  if (!id) throw new RecordRejected(undefined, `missing ${field}`)
  if (!CVE_ID.test(id))
    throw new RecordRejected(id.slice(0, 40), `${field} "${id.slice(0, 40)}" is not a CVE id`)
  return id
}

const ISO_TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?)?(?:([Zz])|([+-])(\d{2}):?(\d{2}))?$/

function daysIn(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28
  return [4, 6, 9, 11].includes(month) ? 30 : 31
}

/** An ISO date-time as a real calendar time (year 0001-9999, no 30 February), or undefined. */
function calendarTime(v: string): number | undefined {
  const m = ISO_TIME.exec(v)
  if (!m) return undefined
  const n = (i: number) => Number(m[i] ?? 0)
  const [y, mo, d, h, mi, sec] = [n(1), n(2), n(3), n(4), n(5), n(6)]
  const [zh, zm] = [n(10), n(11)]
  if (y < 1 || mo < 1 || mo > 12 || d < 1 || d > daysIn(y, mo)) return undefined
  if (h > 23 || mi > 59 || sec > 59 || zh > 23 || zm > 59) return undefined
  const t = new Date(0)
  t.setUTCFullYear(y, mo - 1, d) // not Date.UTC: it reads years 0-99 as 1900-1999
  t.setUTCHours(h, mi, sec, Math.floor(Number(m[7] ?? 0) * 1000))
  return t.getTime() - (m[9] === '-' ? -1 : 1) * (zh * 60 + zm) * 60_000
}

/**
 * An ISO date-time normalised to `YYYY-MM-DDTHH:MM:SS.sssZ` (NVD 1.1 writes `2018-04-19T15:04Z`,
 * JVN `+09:00`); undefined when absent. A value that is not a real calendar time (2026-02-30,
 * year 0000, hour 24) rejects the record: Date.parse alone would roll it into another date.
 */
export function isoTime(v: unknown, field: string): string | undefined {
  if (v === undefined || v === null || v === '') return undefined
  const t = typeof v === 'string' && v.length <= 40 ? calendarTime(v.trim()) : undefined
  if (t === undefined) throw new RecordRejected(undefined, `${field} ${quote(v)} is not a valid date-time`)
  return new Date(t).toISOString()
}

const SEVERITIES = new Set(['NONE', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'])

/**
 * A CVSS score, undefined when the metric gives none. A base score outside 0-10 or a severity
 * that is none of NONE/LOW/MEDIUM/HIGH/CRITICAL (any case: JVN writes `High`) rejects the record
 * rather than dropping the metric unannounced.
 */
export function score(v: unknown, vector: unknown, severity: unknown, field: string): CvssScore | undefined {
  if (v === undefined || v === null || v === '') return undefined
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : Number.NaN
  if (!Number.isFinite(n) || n < 0 || n > 10)
    throw new RecordRejected(undefined, `${field} base score ${quote(v)} is not a CVSS score (0-10)`)
  const s: CvssScore = { score: n }
  if (vector !== undefined && vector !== null && vector !== '') {
    const vec = str(vector, 300)
    if (!vec) throw new RecordRejected(undefined, `${field} vector ${quote(vector)} is not a CVSS vector`)
    s.vector = vec
  }
  if (severity !== undefined && severity !== null && severity !== '') {
    const sev = typeof severity === 'string' ? severity.trim().toUpperCase() : ''
    if (!SEVERITIES.has(sev))
      throw new RecordRejected(undefined, `${field} severity ${quote(severity)} is not a CVSS severity`)
    s.severity = sev
  }
  return s
}

/** A CPE name field: a string of at most 1,024 characters, else the record is rejected. */
export function cpeName(v: unknown, field: string): string {
  const s = str(v, 1024)
  if (!s) throw new RecordRejected(undefined, `${field} is not a CPE name (${describe(v)})`)
  return s
}

/** How a refused value is named in a message: clipped, as JSON. */
function quote(v: unknown): string {
  const s = JSON.stringify(v) ?? String(v)
  return s.length > 40 ? `${s.slice(0, 40)}…` : s
}

/** A refused value's kind and size, for messages: `5028 characters`, `number`. */
export function describe(v: unknown): string {
  return typeof v === 'string' ? `${v.length} characters` : v === null ? 'null' : typeof v
}

export function englishText(list: unknown, key = 'value'): string | undefined {
  const items = arr(list).map(obj)
  const en =
    items.find((d) => d.lang === 'en' || d.lang === 'eng' || String(d.lang).startsWith('en')) ?? items[0]
  const text = en ? str(en[key]) : undefined
  return text && text.length > 4000 ? `${text.slice(0, 4000)}…` : text
}

/** CVE ids in a free text (JVN and CSAF references). */
export function cveIdsIn(text: string): string[] {
  return [...new Set(text.match(/CVE-\d{4}-\d{4,19}/g) ?? [])]
}

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

/** An ISO date-time normalised to `YYYY-MM-DDTHH:MM:SS(.sss)Z`; NVD 1.1 writes `2018-04-19T15:04Z`. */
export function isoTime(v: unknown): string | undefined {
  if (typeof v !== 'string' || v.length > 40) return undefined
  const t = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(v) ? v : `${v}Z`)
  return Number.isNaN(t) ? undefined : new Date(t).toISOString()
}

export function score(v: unknown, vector: unknown, severity: unknown): CvssScore | undefined {
  const n = typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : Number.NaN
  if (!Number.isFinite(n) || n < 0 || n > 10) return undefined
  const s: CvssScore = { score: n }
  const vec = str(vector, 300)
  if (vec) s.vector = vec
  const sev = str(severity, 20)
  if (sev) s.severity = sev.toUpperCase()
  return s
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

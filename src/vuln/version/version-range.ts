import { compareVersions } from './compare-versions.js'

/** true = inside, false = outside, null = the comparator could not order the versions. */
export type RangeAnswer = boolean | null

/** NVD cpeMatch bounds (`versionStartIncluding` …); an absent bound is open. */
export interface VersionBounds {
  startIncluding?: string
  startExcluding?: string
  endIncluding?: string
  endExcluding?: string
}

export function hasBounds(b: VersionBounds): boolean {
  return (
    b.startIncluding !== undefined ||
    b.startExcluding !== undefined ||
    b.endIncluding !== undefined ||
    b.endExcluding !== undefined
  )
}

/** Whether `version` lies within the bounds; any bound that cannot be compared makes it null. */
export function inBounds(version: string, b: VersionBounds): RangeAnswer {
  const checks: Array<[string | undefined, (c: number) => boolean]> = [
    [b.startIncluding, (c) => c >= 0],
    [b.startExcluding, (c) => c > 0],
    [b.endIncluding, (c) => c <= 0],
    [b.endExcluding, (c) => c < 0],
  ]
  let unknown = false
  for (const [bound, ok] of checks) {
    if (bound === undefined) continue
    const c = compareVersions(version, bound)
    if (c === null) unknown = true
    else if (!ok(c)) return false
  }
  return unknown ? null : true
}

/**
 * Evaluates a `vers:` range (https://github.com/package-url/purl-spec VERSION-RANGE-SPEC) or a
 * CSAF "vls" constraint list (`<= 5.0.190`, `<V3.0.29`): `vers:all/*` is every version; `=`/`!=`
 * are points; lower bounds (`>`, `>=`) pair with the next upper bound (`<`, `<=`) into intervals.
 */
export function inVersRange(version: string, range: string): RangeAnswer {
  const text = range.trim()
  const m = /^vers:([a-z0-9.+-]+)\/(.*)$/i.exec(text)
  const body = m ? (m[2] as string) : text
  if (body.trim() === '*') return true
  const constraints = body
    .split(m ? '|' : /\s*(?:\||,|\band\b)\s*/)
    .map((c) => c.trim())
    .filter((c) => c.length > 0)
    .map((c) => {
      const cm = /^(>=|<=|!=|=|<|>)?\s*(.+)$/.exec(c) as RegExpExecArray
      return { op: cm[1] ?? '=', v: cm[2] as string }
    })
  if (constraints.length === 0) return null
  let unknown = false
  const cmp = (v: string): number | null => {
    const c = compareVersions(version, v)
    if (c === null) unknown = true
    return c
  }
  for (const c of constraints) {
    if (c.op === '!=' && cmp(c.v) === 0) return false
  }
  for (const c of constraints) {
    if (c.op === '=' && cmp(c.v) === 0) return true
  }
  const ranged = constraints.filter((c) => c.op !== '=' && c.op !== '!=')
  let i = 0
  while (i < ranged.length) {
    const lower = ranged[i]?.op.startsWith('>') ? ranged[i] : undefined
    if (lower) i++
    const upper = ranged[i]?.op.startsWith('<') ? ranged[i] : undefined
    if (upper) i++
    if (!lower && !upper) {
      i++
      continue
    }
    const lo = lower ? cmp(lower.v) : 1
    const hi = upper ? cmp(upper.v) : -1
    const loOk = lo === null ? null : lower?.op === '>=' ? lo >= 0 : lo > 0
    const hiOk = hi === null ? null : upper?.op === '<=' ? hi <= 0 : hi < 0
    if (loOk === true && hiOk === true) return true
  }
  return unknown ? null : false
}

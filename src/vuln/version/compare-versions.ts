/**
 * Ordering of firmware and software version strings that says "indeterminate" (null) instead of
 * guessing, in the spirit of gvm-libs `cmp_versions` returning -5 (DOMAIN.md §3.7).
 *
 * - Tokens split on `. _ , - + ~ space` and letter/digit boundaries; numbers compare numerically.
 * - A leading `v`/`version` is not part of the number (`V1.0.2` = `1.0.2`).
 * - A build tail (`build 170123`, `(Build 1577)`, `_10.0.46`) is a separate field, compared only
 *   when both sides have one; when the main parts are equal and only one side has it, the answer
 *   is indeterminate.
 * - Pre-release words (dev < alpha < beta < pre < rc) sort before the release; `p`/`patch`/`r`,
 *   and a single letter right after a number (`10.0r8a`), sort after (post-release revisions);
 *   a bare `b` after a number is beta for some vendors and build for others: indeterminate.
 * - Dates (`20170123`, `2017-01-23`) compare only with dates.
 *
 * @returns -1 if a < b, 0 if equal, 1 if a > b, null if the two cannot be ordered.
 * @example compareVersions('4.2.8p18', '4.2.8p9') // 1
 * @example compareVersions('10.0r8', '10.0r8a') // -1
 * @example compareVersions('1.0.0.52_1.0.36', '1.0.0.52') // null
 */
export function compareVersions(a: string, b: string): -1 | 0 | 1 | null {
  const pa = parseVersion(a)
  const pb = parseVersion(b)
  if (!pa || !pb) return null
  if (pa.date !== pb.date) return null
  const main = compareTokens(pa.main, pb.main)
  if (main !== 0) return main
  if (pa.build && pb.build) return compareTokens(pa.build, pb.build)
  if (pa.build || pb.build) return null
  return 0
}

type Token = string | bigint

interface ParsedVersion {
  main: Token[]
  build?: Token[]
  date: boolean
}

const MAX_VERSION_LENGTH = 100
const PRE_RELEASE: Record<string, number> = {
  dev: 0,
  snapshot: 0,
  alpha: 1,
  beta: 2,
  pre: 3,
  preview: 3,
  rc: 4,
}
const POST_RELEASE = new Set(['p', 'patch', 'pl', 'r', 'rev', 'sp', 'update', 'u', 'hotfix', 'hf'])

/** Whether the text can be compared at all (a sane length and character set, at least one digit). */
export function isComparableVersion(v: string): boolean {
  return parseVersion(v) !== undefined
}

const parsedCache = new Map<string, ParsedVersion | null>()

/** parseVersion, memoised: the same bounds and asset versions come up again and again. */
function parseVersion(raw: string): ParsedVersion | undefined {
  let p = parsedCache.get(raw)
  if (p === undefined) {
    if (parsedCache.size > 200_000) parsedCache.clear()
    p = parseUncached(raw) ?? null
    parsedCache.set(raw, p)
  }
  return p ?? undefined
}

function parseUncached(raw: string): ParsedVersion | undefined {
  let s = raw.trim().toLowerCase()
  if (s.length === 0 || s.length > MAX_VERSION_LENGTH || !/\d/.test(s)) return undefined
  if (/[^0-9a-z._,\-+~() :#]/.test(s)) return undefined
  s = s.replace(/^(?:firmware\s+)?(?:version\s*|ver\.?\s*|v\s*)(?=\d)/, '')
  let buildText: string | undefined
  const build = /\s*\(?\s*\bbuild\s*[:#]?\s*([0-9a-z._-]+)\s*\)?\s*$/.exec(s)
  if (build) {
    buildText = build[1]
    s = s.slice(0, build.index)
  }
  const underscore = s.indexOf('_')
  if (underscore > 0 && buildText === undefined) {
    buildText = s.slice(underscore + 1)
    s = s.slice(0, underscore)
  }
  if (/[() :#]/.test(s)) return undefined
  const date = /^(?:19|20)\d{2}(?:-?(?:0[1-9]|1[0-2])-?(?:0[1-9]|[12]\d|3[01]))$/.test(s)
  const main = tokenize(date ? s.replace(/-/g, '') : s)
  if (main.length === 0) return undefined
  const parsed: ParsedVersion = { main, date }
  if (buildText !== undefined) {
    const bt = tokenize(buildText.replace(/^v(?=\d)/, ''))
    if (bt.length > 0) parsed.build = bt
  }
  return parsed
}

function tokenize(s: string): Token[] {
  const out: Token[] = []
  for (const m of s.matchAll(/\d+|[a-z]+/g)) {
    const t = m[0]
    out.push(/^\d/.test(t) ? BigInt(t) : t)
  }
  return out
}

function sign(n: number): -1 | 0 | 1 {
  return n < 0 ? -1 : n > 0 ? 1 : 0
}

function compareTokens(a: Token[], b: Token[]): -1 | 0 | 1 | null {
  const n = Math.max(a.length, b.length)
  for (let i = 0; i < n; i++) {
    const x = a[i]
    const y = b[i]
    if (x === undefined) return negate(tail(b, i))
    if (y === undefined) return tail(a, i)
    if (typeof x === 'bigint' && typeof y === 'bigint') {
      if (x !== y) return x < y ? -1 : 1
      continue
    }
    if (typeof x === 'string' && typeof y === 'string') {
      if (x === y) continue
      const rx = PRE_RELEASE[x]
      const ry = PRE_RELEASE[y]
      if (rx !== undefined && ry !== undefined) return sign(rx - ry)
      if (x.length === 1 && y.length === 1 && a[i - 1] !== undefined && typeof a[i - 1] === 'bigint') {
        // single revision letters in the same slot: 10.0r8a vs 10.0r8b
        return x < y ? -1 : 1
      }
      return null
    }
    // number against word: pre-release words sort before any number, others cannot be ordered
    const word = (typeof x === 'string' ? x : y) as string
    if (PRE_RELEASE[word] === undefined) return null
    return typeof x === 'string' ? -1 : 1
  }
  return 0
}

/** How the extra tokens of the longer version (from index i) order it against the shorter one. */
function tail(v: Token[], i: number): -1 | 0 | 1 | null {
  const first = v[i]
  if (typeof first === 'bigint') {
    return v.slice(i).every((t) => t === 0n) ? 0 : 1
  }
  const word = first as string
  if (PRE_RELEASE[word] !== undefined) return -1
  if (POST_RELEASE.has(word)) return 1
  // a lone letter right after a number is a revision (10.0r8a > 10.0r8), except ambiguous `b`
  if (word.length === 1 && typeof v[i - 1] === 'bigint' && word !== 'b') return 1
  return null
}

function negate(r: -1 | 0 | 1 | null): -1 | 0 | 1 | null {
  return r === null ? null : (-r as -1 | 0 | 1)
}

import type { AffectedVersion } from '../model.js'
import { isComparableVersion } from '../version/compare-versions.js'

const PREFIX = /^(?:ファームウェア)?(?:バージョン|version|ver\.?|firmware)?\s*/i
// full-width parentheses carry notes such as （CVE-2025-0354）
const NOTE = /[（(][^（）()]*(?:CVE-|ＣＶＥ)[^（）()]*[）)]\s*$/

/**
 * Turns JVN's free `VersionNumber` text into a CVE 5 style version entry: 未満 / より前 = lessThan,
 * 以下 / 以前 / およびそれ以前 = lessThanOrEqual, 以降 = from that version on, a bare version =
 * exactly it. Text naming a product line (`for NetApp 5.8 (Build 1299) 未満`) or anything else
 * it cannot read stays text: a product-level, "possibly affected" match.
 */
export function parseJvnVersionText(raw: string): AffectedVersion {
  const text = raw.replace(NOTE, '').replace(/\s+/g, ' ').trim()
  const asText: AffectedVersion = { status: 'affected', text: raw.trim() }
  if (!text || /^for\s/i.test(text)) return asText
  const clean = (v: string) => v.replace(PREFIX, '').trim()
  let m =
    /^(.+?)\s*(?:未満|より前(?:の(?:バージョン|版))?)$/.exec(text) ??
    /^(?:prior to|before)\s+(.+)$/i.exec(text)
  if (m) return range(clean(m[1] as string), 'lessThan') ?? asText
  m =
    /^(.+?)\s*(?:以下|(?:および|及び)?それ以前(?:の(?:バージョン|版))?|以前(?:の(?:バージョン|版))?)$/.exec(
      text,
    ) ?? /^(.+?)\s+(?:and|or)\s+(?:earlier|prior)$/i.exec(text)
  if (m) return range(clean(m[1] as string), 'lessThanOrEqual') ?? asText
  m = /^(.+?)\s*以降(?:の(?:バージョン|版))?$/.exec(text)
  if (m) {
    const v = clean(m[1] as string)
    return isComparableVersion(v) ? { status: 'affected', version: v, lessThan: '*' } : asText
  }
  m = /^(.+?)\s*から\s*(.+?)\s*まで(?:の(?:バージョン|版))?$/.exec(text)
  if (m) {
    const lo = clean(m[1] as string)
    const hi = clean(m[2] as string)
    return isComparableVersion(lo) && isComparableVersion(hi)
      ? { status: 'affected', version: lo, lessThanOrEqual: hi }
      : asText
  }
  const v = clean(text)
  return isComparableVersion(v) ? { status: 'affected', version: v } : asText
}

function range(v: string, key: 'lessThan' | 'lessThanOrEqual'): AffectedVersion | undefined {
  if (!isComparableVersion(v)) return undefined
  return key === 'lessThan'
    ? { status: 'affected', version: '0', lessThan: v }
    : { status: 'affected', version: '0', lessThanOrEqual: v }
}

import { XMLParser } from 'fast-xml-parser'

export type XmlRecordResult =
  | { ok: true; value: Record<string, unknown>; index: number; offset: number }
  | { ok: false; index: number; offset: number; message: string }

/** Elements that may repeat: always parsed as arrays so one and many look alike. */
const ARRAYS = new Set([
  'Vulinfo',
  'item',
  'AffectedItem',
  'VersionNumber',
  'Cpe',
  'cpe',
  'references',
  'cvss',
  'Cvss',
  'CvssItem',
  'RelatedItem',
  'ImpactItem',
])

/**
 * fast-xml-parser set up for untrusted input: namespace prefixes dropped (`sec:cpe` → `cpe`),
 * attributes under `@_`, only the predefined XML entities decoded. DOCTYPE is refused before
 * any text reaches the parser, so no entity can be declared (XXE, billion laughs).
 */
export function makeXmlParser(): XMLParser {
  return new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@_',
    removeNSPrefix: true,
    parseTagValue: false,
    parseAttributeValue: false,
    trimValues: true,
    processEntities: true,
    htmlEntities: false,
    isArray: (name) => ARRAYS.has(name),
  })
}

/** Throws when the text declares a DTD or entities (refused, never expanded). */
export function refuseDoctype(text: string): void {
  const m = /<!(DOCTYPE|ENTITY)/i.exec(text)
  if (m)
    throw new Error(`XML with <!${m[1]}> is refused (entities are never expanded: XXE/billion-laughs guard)`)
}

/** Elements open at once inside one record; a JVN `Vulinfo` nests about 6. */
const MAX_XML_DEPTH = 64

/**
 * Whether an element's text opens more than `max` elements at once, found before the parser
 * (whose validator would hold a frame per level of a `<a><a><a>…` bomb) ever sees it.
 */
function xmlNestedDeeperThan(text: string, max: number): boolean {
  let depth = 0
  for (let i = text.indexOf('<'); i !== -1; i = text.indexOf('<', i + 1)) {
    const next = text[i + 1]
    if (next === '/') depth--
    else if (next !== '!' && next !== '?') {
      const end = text.indexOf('>', i)
      if (end === -1) return false
      if (text[end - 1] !== '/' && ++depth > max) return true
      i = end
    }
  }
  return false
}

/**
 * Cuts `<tag …>…</tag>` elements (not nested in themselves: JVN `Vulinfo`, RSS `item`) out of an
 * XML stream and parses each on its own, so a 2 GB feed never sits in memory. What breaks the
 * document (invalid UTF-8, a malformed or oversized element, a truncation) is thrown: nothing of
 * such a file is kept. Offsets are character offsets in the decoded text.
 */
export async function* readXmlRecords(
  source: AsyncIterable<Buffer>,
  tag: string,
  maxRecordChars: number,
): AsyncGenerator<XmlRecordResult> {
  const decoder = new TextDecoder('utf-8', { fatal: true })
  let bytesRead = 0
  const parser = makeXmlParser()
  const open = new RegExp(`<(?:[A-Za-z_][\\w.-]*:)?${tag}(?=[\\s>/])`, 'g')
  const closeRe = new RegExp(`</(?:[A-Za-z_][\\w.-]*:)?${tag}\\s*>`, 'g')
  let buf = ''
  let base = 0 // char offset of buf[0]
  let index = 0
  let closeFrom = 0 // where in buf the search for the pending element's closing tag resumes
  let sawDoctypeTail = ''
  const finish = function* (final: boolean): Generator<XmlRecordResult> {
    for (;;) {
      open.lastIndex = 0
      const o = open.exec(buf)
      if (!o) {
        // keep a tail that could hold the start of an opening tag
        const keep = final ? 0 : Math.min(buf.length, tag.length + 64)
        base += buf.length - keep
        buf = buf.slice(buf.length - keep)
        return
      }
      // resume the search for the closing tag where the last chunk's search ended: linear, not n²
      closeRe.lastIndex = Math.max(o.index, closeFrom)
      const c = closeRe.exec(buf)
      if (!c) {
        if (buf.length - o.index > maxRecordChars)
          throw new Error(
            `<${tag}> element at char ${base + o.index} is larger than ${maxRecordChars} characters`,
          )
        base += o.index
        buf = buf.slice(o.index)
        closeFrom = Math.max(0, buf.length - tag.length - 256) // a closing tag may straddle chunks
        if (final && buf.length > 0)
          throw new Error(`input ends inside <${tag}> element ${index + 1} at char ${base} (truncated file?)`)
        return
      }
      closeFrom = 0
      const end = c.index + c[0].length
      const text = buf.slice(o.index, end)
      const at = base + o.index
      const i = index++
      if (xmlNestedDeeperThan(text, MAX_XML_DEPTH))
        throw new Error(`<${tag}> element ${i + 1} at char ${at} nests deeper than ${MAX_XML_DEPTH} elements`)
      let value: unknown
      try {
        const items = (parser.parse(text, true) as Record<string, unknown>)[tag]
        value = Array.isArray(items) ? items[0] : items
      } catch (err) {
        const msg = (err as Error).message.split('\n')[0]
        throw new Error(`<${tag}> element ${i + 1} at char ${at} is not well-formed XML: ${msg}`)
      }
      if (typeof value === 'object' && value !== null)
        yield { ok: true, value: value as Record<string, unknown>, index: i, offset: at }
      else
        yield { ok: false, index: i, offset: at, message: `<${tag}> element ${i + 1} at char ${at} is empty` }
      base += end
      buf = buf.slice(end)
    }
  }
  const decode = (chunk?: Buffer): string => {
    try {
      return chunk ? decoder.decode(chunk, { stream: true }) : decoder.decode()
    } catch {
      throw new Error(`invalid UTF-8 in bytes ${bytesRead}-${bytesRead + (chunk?.length ?? 0)} of the XML`)
    } finally {
      bytesRead += chunk?.length ?? 0
    }
  }
  for await (const chunk of source) {
    const text = decode(chunk)
    refuseDoctype(sawDoctypeTail + text)
    sawDoctypeTail = text.slice(-16)
    buf += text
    yield* finish(false)
  }
  buf += decode()
  yield* finish(true)
}

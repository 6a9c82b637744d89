import { readdirSync, readFileSync } from 'node:fs'
import { basename, join } from 'node:path'
import { XMLParser, XMLValidator } from 'fast-xml-parser'
import { matchKeyForRecog } from '../match-keys.js'
import { RegexTranslationError } from '../regex/regex-syntax.js'
import { translateRegex } from '../regex/translate-regex.js'
import type { LoadProblem, Rule, RuleExample, RuleParam } from '../rule.js'
import { doctypeLine, tagLines } from '../xml-lines.js'

/** What loading a Recog database gave: usable rules and every problem, per fingerprint. */
export interface RecogLoad {
  rules: Rule[]
  problems: LoadProblem[]
  /** Fingerprints seen, including rejected ones. */
  fingerprints: number
}

/** Recog files are a few hundred KB; anything far larger is not a fingerprint database. */
const MAX_FILE_BYTES = 16 * 1024 * 1024

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  isArray: (name) => name === 'fingerprint' || name === 'example' || name === 'param',
  trimValues: false,
  parseAttributeValue: false,
  parseTagValue: false,
  htmlEntities: true,
})

interface XmlExample {
  '#text'?: string
  _encoding?: string
  [attr: string]: string | undefined
}

interface XmlFingerprint {
  pattern?: string
  flags?: string
  description?: string | { '#text'?: string }
  example?: (XmlExample | string)[]
  param?: { pos?: string; name?: string; value?: string }[]
}

/** Loads every `*.xml` database in `dir` (Rapid7 Recog layout). */
export function loadRecogDir(dir: string): RecogLoad {
  const all: RecogLoad = { rules: [], problems: [], fingerprints: 0 }
  let names: string[]
  try {
    names = readdirSync(dir).filter((n) => n.endsWith('.xml'))
  } catch (err) {
    all.problems.push({
      file: dir,
      line: 0,
      message: `cannot read the Recog folder: ${(err as Error).message}`,
    })
    return all
  }
  for (const name of names.sort()) {
    const file = join(dir, name)
    let text: string
    try {
      const bytes = readFileSync(file)
      if (bytes.length > MAX_FILE_BYTES) {
        all.problems.push({ file, line: 0, message: `file is larger than ${MAX_FILE_BYTES} bytes` })
        continue
      }
      text = bytes.toString('utf8')
    } catch (err) {
      all.problems.push({ file, line: 0, message: (err as Error).message })
      continue
    }
    const one = loadRecogXml(text, file)
    all.rules.push(...one.rules)
    all.problems.push(...one.problems)
    all.fingerprints += one.fingerprints
  }
  return all
}

/** Loads one Recog XML database from its text; `file` names it in rule ids and errors. */
export function loadRecogXml(text: string, file: string): RecogLoad {
  const result: RecogLoad = { rules: [], problems: [], fingerprints: 0 }
  const fail = (line: number, message: string) => {
    result.problems.push({ file, line, message })
    return result
  }
  const doctype = doctypeLine(text)
  if (doctype !== undefined) return fail(doctype, 'DOCTYPE declarations are refused (entity expansion, XXE)')
  const valid = XMLValidator.validate(text)
  if (valid !== true) return fail(valid.err.line, `malformed XML: ${valid.err.msg}`)
  let doc: { fingerprints?: Record<string, unknown> }
  try {
    doc = parser.parse(text)
  } catch (err) {
    return fail(0, `malformed XML: ${(err as Error).message}`)
  }
  const root = doc.fingerprints
  if (!root || typeof root !== 'object') return fail(1, 'the root element must be <fingerprints>')
  const db = basename(file, '.xml')
  const recogKey = typeof root.matches === 'string' ? root.matches : db
  const matchKey = matchKeyForRecog(recogKey)
  const preference = Number(root.preference ?? 0.5)
  const fps = (root.fingerprint as XmlFingerprint[] | undefined) ?? []
  const lines = tagLines(text, 'fingerprint')
  result.fingerprints = fps.length
  for (const [index, fp] of fps.entries()) loadFingerprint(fp, index)
  return result

  function loadFingerprint(fp: XmlFingerprint, index: number): void {
    const line = lines[index] ?? 0
    const problem = (message: string) =>
      result.problems.push({ file, line, rule: fp.pattern ?? `#${index}`, message })
    if (typeof fp.pattern !== 'string') {
      problem('fingerprint without a pattern')
      return
    }
    let translated: ReturnType<typeof translateRegex>
    try {
      translated = translateRegex(fp.pattern, 'ruby', rubyOptions(fp.flags))
    } catch (err) {
      if (err instanceof RegexTranslationError) {
        problem(`untranslatable pattern: ${err.message}`)
        return
      }
      throw err
    }
    if (translated.nestedQuantifier) {
      problem(`rejected (catastrophic backtracking): ${translated.nestedQuantifier}`)
      return
    }
    const params: RuleParam[] = []
    for (const p of fp.param ?? []) {
      const pos = Number(p.pos)
      if (!p.name || !Number.isInteger(pos) || pos < 0) {
        problem(`bad <param> ${JSON.stringify(p)}`)
        return
      }
      if (pos > translated.groupCount) {
        problem(`param ${p.name} uses group ${pos}, the pattern has ${translated.groupCount}`)
        return
      }
      params.push(
        p.value !== undefined && pos === 0 ? { name: p.name, pos, value: p.value } : { name: p.name, pos },
      )
    }
    const examples: RuleExample[] = []
    for (const ex of fp.example ?? []) {
      const example = toExample(ex)
      if (!example) {
        problem('an <example> has a bad base64 encoding')
        return
      }
      examples.push(example)
    }
    const description =
      typeof fp.description === 'string' ? fp.description : (fp.description?.['#text'] ?? '')
    result.rules.push({
      engine: 'recog',
      id: `recog:${db}:${line}`,
      matchKey,
      description: description.trim().replace(/\s+/g, ' '),
      regex: new RegExp(translated.source, translated.flags),
      groupMap: translated.groupMap,
      params,
      preference,
      source: { file, line },
      examples,
      literals: translated.literals,
    })
  }
}

/** Recog's flags attribute: REG_ICASE → i; REG_MULTILINE and REG_DOT_NEWLINE → Ruby's `m` (dotAll). */
function rubyOptions(flags: string | undefined): { ignoreCase: boolean; dotAll: boolean } {
  const set = new Set((flags ?? '').split(/[,|\s]+/))
  return { ignoreCase: set.has('REG_ICASE'), dotAll: set.has('REG_MULTILINE') || set.has('REG_DOT_NEWLINE') }
}

function toExample(ex: XmlExample | string): RuleExample | undefined {
  if (typeof ex === 'string') return { text: ex, expect: {} }
  let text = ex['#text'] ?? ''
  if (ex._encoding === 'base64') {
    const compact = text.replace(/\s+/g, '')
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact)) return undefined
    text = Buffer.from(compact, 'base64').toString('utf8')
  }
  const expect: Record<string, string> = {}
  for (const [k, v] of Object.entries(ex)) {
    if (k !== '#text' && k !== '_encoding' && v !== undefined) expect[k] = v
  }
  return { text, expect }
}

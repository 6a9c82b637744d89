import { readdirSync, readFileSync } from 'node:fs'
import { basename, join } from 'node:path'
import { isMap, isSeq, LineCounter, parseDocument } from 'yaml'
import { z } from 'zod'
import { dataPath } from '../../core/paths.js'
import { RegexTranslationError } from '../regex/regex-syntax.js'
import { translateRegex } from '../regex/translate-regex.js'
import type { LoadProblem, Rule, RuleParam } from '../rule.js'

/**
 * A mamori rule file (data/fingerprints/<match-key>.yaml): one observation key, a preference,
 * and rules whose `set` maps field names to constants, `$N` captures, or templates with `{field}`.
 *
 * @example
 * match: ssh.banner
 * preference: 0.9
 * rules:
 *   - id: dropbear-ssh
 *     description: Dropbear SSH server
 *     pattern: '^SSH-2\.0-dropbear_([\d.]+)'
 *     set: { service.vendor: Dropbear, service.product: Dropbear SSH, service.version: $1,
 *            service.cpe23: 'cpe:/a:dropbear_ssh_project:dropbear_ssh:{service.version}' }
 *     examples:
 *       - { text: SSH-2.0-dropbear_2014.63, expect: { service.version: '2014.63' } }
 */
const ruleSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'ids are kebab-case'),
  description: z.string().min(1),
  pattern: z.string().min(1),
  flags: z
    .string()
    .regex(/^[is]*$/, 'flags may be i and s')
    .optional(),
  set: z.record(z.string(), z.string()),
  examples: z
    .array(z.strictObject({ text: z.string(), expect: z.record(z.string(), z.string()).default({}) }))
    .min(1, 'every rule carries at least one example'),
})

const fileSchema = z.strictObject({
  match: z.string().regex(/^[a-z0-9_]+\.[a-z0-9_.]+$/),
  preference: z.number().min(0.1).max(0.99),
  rules: z.array(z.unknown()),
})

export interface OwnRulesLoad {
  rules: Rule[]
  problems: LoadProblem[]
}

/** Loads every `*.yaml` file under `dir` (default: the product's data/fingerprints). */
export function loadOwnRules(dir = dataPath('fingerprints')): OwnRulesLoad {
  const out: OwnRulesLoad = { rules: [], problems: [] }
  for (const name of readdirSync(dir)
    .filter((n) => n.endsWith('.yaml'))
    .sort()) {
    const file = join(dir, name)
    const one = loadOwnRulesText(readFileSync(file, 'utf8'), file)
    out.rules.push(...one.rules)
    out.problems.push(...one.problems)
  }
  return out
}

export function loadOwnRulesText(text: string, file: string): OwnRulesLoad {
  const out: OwnRulesLoad = { rules: [], problems: [] }
  const counter = new LineCounter()
  const doc = parseDocument(text, { lineCounter: counter, uniqueKeys: true })
  if (doc.errors.length > 0) {
    for (const e of doc.errors)
      out.problems.push({ file, line: e.linePos?.[0]?.line ?? 0, message: `YAML: ${e.message}` })
    return out
  }
  const head = fileSchema.safeParse(doc.toJS())
  if (!head.success) {
    out.problems.push({ file, line: 1, message: z.prettifyError(head.error) })
    return out
  }
  const { match, preference } = head.data
  const rulesNode = isMap(doc.contents) ? doc.contents.get('rules', true) : undefined
  const items = isSeq(rulesNode) ? rulesNode.items : []
  const db = basename(file, '.yaml')
  for (const [index, raw] of head.data.rules.entries()) loadRule(raw, index)
  return out

  function loadRule(raw: unknown, index: number): void {
    const node = items[index] as { range?: [number, number, number] } | undefined
    const line = node?.range ? counter.linePos(node.range[0]).line : 0
    const parsed = ruleSchema.safeParse(raw)
    if (!parsed.success) {
      const id = (raw as { id?: unknown })?.id
      out.problems.push({
        file,
        line,
        ...(typeof id === 'string' ? { rule: id } : {}),
        message: z.prettifyError(parsed.error),
      })
      return
    }
    const r = parsed.data
    const problem = (message: string) => out.problems.push({ file, line, rule: r.id, message })
    let analysis: ReturnType<typeof translateRegex>
    let regex: RegExp
    try {
      regex = new RegExp(r.pattern, r.flags ?? '')
      // our patterns are JS already; the translator only analyses them (groups, literals, nesting)
      analysis = translateRegex(r.pattern, 'pcre', { ignoreCase: r.flags?.includes('i') ?? false })
    } catch (err) {
      if (err instanceof SyntaxError || err instanceof RegexTranslationError) {
        problem(`bad pattern: ${err.message}`)
        return
      }
      throw err
    }
    if (analysis.nestedQuantifier) {
      problem(`pattern may backtrack catastrophically: ${analysis.nestedQuantifier}`)
      return
    }
    const params: RuleParam[] = []
    for (const [name, value] of Object.entries(r.set)) {
      const capture = /^\$(\d+)$/.exec(value)
      params.push(capture ? { name, pos: Number(capture[1]) } : { name, pos: 0, value })
    }
    out.rules.push({
      engine: 'mamori',
      id: r.id,
      matchKey: match,
      description: r.description,
      regex,
      groupMap: Array.from({ length: analysis.groupCount + 1 }, (_, i) => i),
      params,
      preference,
      source: { file: `${db}.yaml`, line },
      examples: r.examples,
      literals: analysis.literals,
    })
  }
}

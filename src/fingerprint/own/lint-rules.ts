import { applyRule } from '../apply-rule.js'
import { observationKeys } from '../observation-keys.js'
import type { LoadProblem, Rule } from '../rule.js'
import { RuleSet } from '../rule-set.js'
import type { Vocabulary } from '../vocab.js'

const VENDOR_FIELDS = ['hw.vendor', 'os.vendor', 'service.vendor']

/**
 * The data linter for mamori's own rules (Recog's self-test spec, for our format): unique ids,
 * every capture used, interpolations resolvable, field names, device types and vendors from the
 * vocabulary, a match key some registered module emits, every example passing, and no example
 * claimed by another rule that outranks its own.
 */
export function lintOwnRules(
  rules: readonly Rule[],
  vocab: Vocabulary,
  keys: ReadonlySet<string> = observationKeys(),
): LoadProblem[] {
  const problems: LoadProblem[] = []
  const seen = new Map<string, Rule>()
  const set = new RuleSet(rules)
  for (const rule of rules) {
    const problem = (message: string) =>
      problems.push({ file: rule.source.file, line: rule.source.line, rule: rule.id, message })
    const twin = seen.get(rule.id)
    if (twin) problem(`duplicate id (also ${twin.source.file}:${twin.source.line})`)
    seen.set(rule.id, rule)
    if (!keys.has(rule.matchKey))
      problem(`match key ${rule.matchKey} is emitted by no registered protocol module (matchKeys)`)
    const groups = rule.groupMap.length - 1
    const used = new Set(rule.params.filter((p) => p.pos > 0).map((p) => p.pos))
    for (let g = 1; g <= groups; g++) if (!used.has(g)) problem(`capture group ${g} sets no field`)
    const names = new Set(rule.params.map((p) => p.name))
    for (const p of rule.params) {
      if (p.pos > groups) problem(`${p.name} uses $${p.pos}, the pattern has ${groups} groups`)
      if (!vocab.fields.has(p.name)) problem(`unknown field ${p.name} (data/vocab/fields.txt)`)
      for (const ref of (p.value ?? '').matchAll(/\{([^}]*)\}/g)) {
        if (!names.has(ref[1] as string))
          problem(`${p.name} interpolates {${ref[1]}}, which the rule does not set`)
      }
      if (p.pos === 0 && p.name === 'hw.device' && !vocab.deviceTypes.has(p.value ?? ''))
        problem(`unknown device type ${p.value} (data/vocab/device-types.txt)`)
      if (p.pos === 0 && VENDOR_FIELDS.includes(p.name) && !vocab.vendors.has(p.value ?? ''))
        problem(`unknown vendor ${p.value} (data/vocab/vendors.txt)`)
    }
    for (const ex of rule.examples) {
      const got = applyRule(rule, ex.text)
      if (!got) {
        problem(`example does not match: ${JSON.stringify(ex.text)}`)
        continue
      }
      for (const [k, v] of Object.entries(ex.expect)) {
        if (got[k] !== v)
          problem(
            `example ${JSON.stringify(ex.text)}: ${k} is ${JSON.stringify(got[k])}, expected ${JSON.stringify(v)}`,
          )
      }
      const winner = set.match(rule.matchKey, ex.text)[0]
      if (winner && winner.rule !== rule)
        problem(
          `example ${JSON.stringify(ex.text)} is claimed by ${winner.rule.id}, which outranks this rule`,
        )
    }
  }
  return problems
}

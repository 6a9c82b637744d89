import type { Rule } from './rule.js'

const INTERPOLATION = /\{([\w.-]+)\}/g

/**
 * Runs one rule on one text: undefined when the pattern does not match, else the fields it sets.
 * Constants may name other fields in braces (`cpe:/a:openbsd:openssh:{service.version}`); a
 * reference to a field the match did not set leaves the braces, as Recog does, so callers can
 * tell an unresolved template from a value.
 */
export function applyRule(rule: Rule, text: string): Record<string, string> | undefined {
  const m = rule.regex.exec(text)
  if (!m) return undefined
  if (rule.build) return rule.build(m)
  const fields: Record<string, string> = {}
  let templates = false
  for (const p of rule.params) {
    if (p.pos === 0) {
      if (p.value !== undefined) {
        fields[p.name] = p.value
        if (p.value.includes('{')) templates = true
      }
      continue
    }
    const captured = m[rule.groupMap[p.pos] ?? -1]
    if (captured !== undefined) fields[p.name] = captured
  }
  if (templates) {
    for (const p of rule.params) {
      const value = fields[p.name]
      if (p.pos === 0 && value?.includes('{'))
        fields[p.name] = value.replace(INTERPOLATION, (whole, ref: string) => fields[ref] ?? whole)
    }
  }
  return fields
}

/** Whether a field value still holds a `{field}` reference nothing filled. */
export function isUnresolved(value: string): boolean {
  return /\{[\w.-]+\}/.test(value)
}

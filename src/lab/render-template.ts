/**
 * Fills `{name}` placeholders from `vars`. Values may themselves hold placeholders (a version's
 * `built` string names `{serial}`), so substitution repeats a few times. An unknown name is an
 * error: a typo in the family data must not reach a banner.
 */
function renderTemplate(text: string, vars: Readonly<Record<string, string>>): string {
  let out = text
  for (let round = 0; round < 4 && out.includes('{'); round++) {
    out = out.replace(/\{([a-z_][a-z0-9_]*)\}/g, (_, name: string) => {
      const value = vars[name]
      if (value === undefined) throw new Error(`unknown placeholder {${name}} in "${text}"`)
      return value
    })
  }
  return out
}

/** Renders every string inside a plain JSON-like value (objects, arrays, strings). */
export function renderDeep<T>(value: T, vars: Readonly<Record<string, string>>): T {
  if (typeof value === 'string') return renderTemplate(value, vars) as T
  if (Array.isArray(value)) return value.map((v) => renderDeep(v, vars)) as T
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, renderDeep(v, vars)])) as T
  }
  return value
}

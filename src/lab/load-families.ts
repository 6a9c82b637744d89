import { readFileSync } from 'node:fs'
import { parse } from 'yaml'
import { MamoriError } from '../core/errors.js'
import { dataPath } from '../core/paths.js'
import { type FamilySpec, familyCatalogue } from './family.js'
import { renderDeep } from './render-template.js'

/** The shipped catalogue: `data/lab/families.yaml`. */
const FAMILIES_FILE = dataPath('lab', 'families.yaml')

let cached: FamilySpec[] | undefined

/** Reads and validates a family catalogue; every problem is reported with its path in the file. */
export function loadFamilies(file: string = FAMILIES_FILE): FamilySpec[] {
  if (file === FAMILIES_FILE && cached) return cached
  let raw: unknown
  try {
    raw = parse(readFileSync(file, 'utf8'))
  } catch (err) {
    throw new MamoriError('ERR_DATA_INVALID', `cannot read lab families ${file}: ${(err as Error).message}`, {
      cause: err,
    })
  }
  const parsed = familyCatalogue.safeParse(raw)
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')
    throw new MamoriError('ERR_DATA_INVALID', `invalid lab families ${file}: ${problems}`)
  }
  const ids = new Set<string>()
  for (const f of parsed.data.families) {
    if (ids.has(f.id)) throw new MamoriError('ERR_DATA_INVALID', `duplicate lab family id ${f.id} in ${file}`)
    ids.add(f.id)
    const problem = familyProblem(f)
    if (problem)
      throw new MamoriError('ERR_DATA_INVALID', `invalid lab family ${f.id} in ${file}: ${problem}`)
  }
  if (file === FAMILIES_FILE) cached = parsed.data.families
  return parsed.data.families
}

/** Two services on one port, or a placeholder no model/version fills, in any combination. */
function familyProblem(family: FamilySpec): string | undefined {
  const ports = family.services.map((s) => s.port)
  const twice = ports.find((p, i) => ports.indexOf(p) !== i)
  if (twice !== undefined) return `two services on port ${twice}`
  for (const model of family.models) {
    for (const version of family.versions) {
      const vars = {
        ...model.vars,
        ...version.vars,
        model: '',
        version: '',
        hostname: '',
        serial: '',
        mac: '',
        ip: '',
      }
      try {
        renderDeep(family.services, vars)
      } catch (err) {
        return `${model.product} ${version.version}: ${(err as Error).message}`
      }
    }
  }
  return undefined
}

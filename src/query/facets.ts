import { MamoriError } from '../core/errors.js'
import { fieldByName, suggestField } from './fields.js'

export interface FacetSpec {
  field: string
  limit: number
}

const DEFAULT_FACET_LIMIT = 10
const MAX_FACET_LIMIT = 1000

/**
 * Parses `--facets port,vendor:20,device` (Shodan's syntax): field names with an optional top-N.
 * Throws ERR_QUERY_UNKNOWN_FIELD / ERR_QUERY_VALUE naming the bad part.
 */
export function parseFacets(text: string): FacetSpec[] {
  const out: FacetSpec[] = []
  for (const part of text.split(',')) {
    const [name = '', count, extra] = part.trim().split(':')
    const def = fieldByName(name)
    if (!def) {
      const hint = suggestField(name)
      throw new MamoriError(
        'ERR_QUERY_UNKNOWN_FIELD',
        `unknown facet "${name.slice(0, 40)}"${hint ? `; did you mean "${hint}"?` : ''}`,
      )
    }
    if (!def.facet) throw new MamoriError('ERR_QUERY_VALUE', `field "${def.name}" cannot be used as a facet`)
    if (extra !== undefined || (count !== undefined && !/^\d{1,4}$/.test(count))) {
      throw new MamoriError(
        'ERR_QUERY_VALUE',
        `facet "${part.trim().slice(0, 40)}": the count must be a number`,
      )
    }
    const limit = count === undefined ? DEFAULT_FACET_LIMIT : Number(count)
    if (limit < 1 || limit > MAX_FACET_LIMIT) {
      throw new MamoriError('ERR_QUERY_VALUE', `facet "${def.name}": the count must be 1-${MAX_FACET_LIMIT}`)
    }
    out.push({ field: def.name, limit })
  }
  return out
}

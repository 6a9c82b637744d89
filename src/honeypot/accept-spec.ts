import { loadDictionaries } from '../audit/dictionaries.js'
import { MamoriError } from '../core/errors.js'

/** `--accept mirai` (the Mirai table), or `user:pass,user:pass` (a colon-free user name, then the rest). */
export function parseAccept(spec: string): { username: string; password: string }[] {
  if (spec === 'mirai') return loadDictionaries().mirai
  const pairs = spec.split(',').map((p) => {
    const i = p.indexOf(':')
    if (i <= 0) throw new MamoriError('ERR_USAGE', `--accept: "${p}" is not USER:PASSWORD`)
    return { username: p.slice(0, i), password: p.slice(i + 1) }
  })
  return pairs
}

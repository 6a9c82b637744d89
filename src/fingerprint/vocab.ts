import { readFileSync } from 'node:fs'
import { dataPath } from '../core/paths.js'

/** The vocabulary rules are written in (data/vocab): field names, device types, vendors. */
export interface Vocabulary {
  fields: ReadonlySet<string>
  vendors: ReadonlySet<string>
  /** mamori device types. */
  deviceTypes: ReadonlySet<string>
  /** Any name a rule database uses for a device (Recog, nmap), lower-cased → mamori type. */
  deviceAliases: ReadonlyMap<string, string>
}

function lines(file: string): string[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
}

let cached: Vocabulary | undefined

/** Reads data/vocab once. */
export function loadVocabulary(dir = dataPath('vocab')): Vocabulary {
  if (cached && dir === dataPath('vocab')) return cached
  const deviceTypes = new Set<string>()
  const deviceAliases = new Map<string, string>()
  for (const line of lines(`${dir}/device-types.txt`)) {
    const [type, ...aliases] = line.split('|').map((s) => s.trim())
    if (!type) continue
    deviceTypes.add(type)
    deviceAliases.set(type, type)
    for (const a of aliases) deviceAliases.set(a.toLowerCase(), type)
  }
  const vocab: Vocabulary = {
    fields: new Set(lines(`${dir}/fields.txt`)),
    vendors: new Set(lines(`${dir}/vendors.txt`)),
    deviceTypes,
    deviceAliases,
  }
  if (dir === dataPath('vocab')) cached = vocab
  return vocab
}

import type { ProtocolModule } from '../core/protocol-module.js'
import { grabbers } from '../grab/grabbers.js'
import { builtinModules } from '../modules/index.js'

/**
 * Every observation key a record can carry (observationsOf): what the modules' `describe` emits,
 * `<protocol>.banner` when it emits nothing, `service.protocol`, and nmap's probe responses.
 */
export function observationKeys(modules: readonly ProtocolModule<unknown>[] = builtinModules): Set<string> {
  const keys = new Set(['service.protocol', 'unknown.banner', 'nmap.tcp.NULL', 'nmap.tcp.GetRequest'])
  for (const m of grabbers(modules)) {
    keys.add(`${m.name}.banner`)
    for (const key of m.matchKeys) keys.add(key)
  }
  return keys
}

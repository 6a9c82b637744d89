import type { ProtocolModule } from '../core/protocol-module.js'
import { builtinModules } from '../modules/index.js'
import { tlsLayer } from './tls/tls-layer.js'

const built = new WeakMap<readonly ProtocolModule<unknown>[], readonly ProtocolModule<unknown>[]>()

/**
 * What a service can turn out to speak: TLS where the modules declare it (first, so a module's
 * TLS port is secured before the module speaks), then the protocol modules in their order.
 */
export function grabbers(
  modules: readonly ProtocolModule<unknown>[] = builtinModules,
): readonly ProtocolModule<unknown>[] {
  let list = built.get(modules)
  if (!list) {
    list = [tlsLayer(modules) as ProtocolModule<unknown>, ...modules]
    built.set(modules, list)
  }
  return list
}

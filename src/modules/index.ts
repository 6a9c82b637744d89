import type { ProtocolModule } from '../core/protocol-module.js'

/** The built-in protocol modules, in the order the reply detector tries them. */
export const builtinModules: readonly ProtocolModule<unknown>[] = []

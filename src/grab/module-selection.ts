import type { ProtocolModule } from '../core/protocol-module.js'
import type { Target } from '../core/target.js'

/** The module a port suggests: the first whose defaultPorts name it, for the target's transport. */
export function moduleForPort(modules: readonly ProtocolModule<unknown>[], target: Target) {
  return modules.find((m) => m.transport === target.transport && m.defaultPorts.includes(target.port))
}

/** The module whose detector recognises a reply, skipping the one that already failed. */
export function moduleForReply(
  modules: readonly ProtocolModule<unknown>[],
  reply: Buffer,
  exclude?: ProtocolModule<unknown>,
) {
  if (reply.length === 0) return undefined
  return modules.find((m) => m !== exclude && m.transport === 'tcp' && m.detect?.(reply) === true)
}

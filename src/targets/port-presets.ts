import type { ProtocolModule } from '../core/protocol-module.js'
import { builtinModules } from '../modules/index.js'

/**
 * Named port lists in port-spec syntax, gathered from what each module declares (`portPresets`):
 * `iot` is the ports DOMAIN.md §4.3 flags and the ports Mirai and its descendants spread on (§1.2,
 * §1.6); UDP services are a preset of their own (`iot-udp`) because they are grabbed without
 * discovery (every address is asked).
 */
export function portPresets(modules: readonly ProtocolModule<unknown>[]): Record<string, string> {
  const lists = new Map<string, { tcp: Set<number>; udp: Set<number> }>()
  for (const m of modules) {
    for (const [name, ports] of Object.entries(m.portPresets ?? {})) {
      const list = lists.get(name) ?? { tcp: new Set<number>(), udp: new Set<number>() }
      lists.set(name, list)
      for (const port of ports) list[m.transport].add(port)
    }
  }
  const sorted = (ports: Set<number>, prefix: string) =>
    [...ports].sort((a, b) => a - b).map((p) => `${prefix}${p}`)
  return Object.fromEntries(
    [...lists].map(([name, { tcp, udp }]) => [name, [...sorted(tcp, ''), ...sorted(udp, 'U:')].join(',')]),
  )
}

export const PORT_PRESETS: Readonly<Record<string, string>> = portPresets(builtinModules)

import type { HttpServiceSpec, ServiceSpec, TelnetServiceSpec } from '../family.js'
import { loadFamilies } from '../load-families.js'
import { renderDeep } from '../render-template.js'

/**
 * One service of a shipped family, rendered as the lab renders it for a device: the family's
 * hostname, its first model and the firmware `version` (by default the first one).
 */
function familyService(id: string, port: number, version?: string): ServiceSpec {
  const family = loadFamilies().find((f) => f.id === id)
  if (!family) throw new Error(`no lab family ${id}`)
  const model = family.models[0] as (typeof family.models)[number]
  const firmware = family.versions.find((v) => version === undefined || v.version === version)
  const raw = family.services.find((s) => s.port === port)
  if (!firmware || !raw) throw new Error(`${id} has no ${version ?? 'firmware'} or no port ${port}`)
  return renderDeep(raw, {
    ...model.vars,
    ...firmware.vars,
    model: model.product,
    version: firmware.version,
    hostname: family.hostname,
    serial: '2K0123456789',
    mac: '00408C1A2B3C',
    ip: '127.0.0.2',
  })
}

export function telnetService(id: string, port = 23, version?: string): TelnetServiceSpec {
  const spec = familyService(id, port, version)
  if (spec.protocol !== 'telnet') throw new Error(`${id}:${port} is not telnet`)
  return spec
}

export function httpService(id: string, port = 80): HttpServiceSpec {
  const spec = familyService(id, port)
  if (spec.protocol !== 'http') throw new Error(`${id}:${port} is not http`)
  return spec
}

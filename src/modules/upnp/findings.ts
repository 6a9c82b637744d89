import type { FindingRule } from '../../core/protocol-module.js'
import type { UpnpResult } from './result.js'

/** SSDP answering unicast M-SEARCH: an amplification reflector, and a map of the device's services. */
export const upnpExposed: FindingRule<UpnpResult> = {
  type: 'upnp-exposed',
  assess(upnp) {
    if (upnp.responses.length === 0) return undefined
    // an Internet gateway's port-mapping service reachable here lets anyone open ports through it
    const igd = upnp.description?.services.some((s) => /WAN(?:IP|PPP)Connection/.test(s)) === true
    return {
      type: this.type,
      severity: igd ? 'high' : 'medium',
      title: igd ? 'UPnP exposed with port-mapping (IGD) service' : 'UPnP/SSDP exposed',
      detail: `${upnp.responses.length} SSDP replies${upnp.server ? `, SERVER ${upnp.server}` : ''}`,
    }
  },
}

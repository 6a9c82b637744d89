import type { Transport } from '../core/target.js'
import type { IPv4RangeSet } from '../scope/range-set.js'
import type { PortSpec } from './port-spec.js'

/**
 * The scan space: every address × every port, numbered 0..size-1 so a permutation can walk it.
 * Index i is port (i mod P) of address (i div P): consecutive indexes never share a host, and the
 * permutation spreads them further.
 */
export class TargetSpace {
  readonly addresses: IPv4RangeSet
  readonly ports: Uint16Array
  /** Ports at index >= tcpCount are UDP. */
  readonly tcpCount: number
  readonly size: number

  constructor(addresses: IPv4RangeSet, ports: PortSpec) {
    this.addresses = addresses
    this.ports = Uint16Array.from([...ports.tcp, ...ports.udp])
    this.tcpCount = ports.tcp.length
    this.size = addresses.size * this.ports.length
  }

  ipAt(index: number): number {
    return this.addresses.at(Math.floor(index / this.ports.length))
  }

  portAt(index: number): number {
    return this.ports[index % this.ports.length] as number
  }

  transportAt(index: number): Transport {
    return index % this.ports.length < this.tcpCount ? 'tcp' : 'udp'
  }
}

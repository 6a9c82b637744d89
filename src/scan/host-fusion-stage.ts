import type { ScanRecord } from '../core/record.js'
import {
  decideHost,
  evidenceOf,
  inheritIdentity,
  type VendorEvidence,
  vendorKey,
} from '../fingerprint/host-fusion.js'

/** The bounds of the holding area. */
export interface HostFusionLimits {
  /** Records held at once; past it the oldest goes on without a vendor (default 5,000). */
  maxHeld?: number
  /** How long a record waits at most for its host to name a vendor, ms (default 60,000). */
  maxAgeMs?: number
  /** Hosts whose vendors are remembered; past it the longest unused is forgotten (default 100,000). */
  maxHosts?: number
}

export const DEFAULT_HOST_FUSION: Required<HostFusionLimits> = {
  maxHeld: 5_000,
  maxAgeMs: 60_000,
  maxHosts: 100_000,
}

interface Held<T> {
  record: ScanRecord
  item: T
  since: number
}

/**
 * Host fusion in a stream (src/fingerprint/host-fusion.ts decides): a scan's services of one host
 * arrive in any order, so a record whose banner names no vendor waits here until a service of its
 * host names one (it then goes on with the vendor, marked inferred), or until a bound: the count
 * cap (oldest first), the age cap (checked on every admit and by an unref'd timer), or `flush()`
 * at the end. Records that need no waiting go on at once. A host's later services get its vendor
 * as soon as they arrive; a conflict seen later cannot take back what went out before it.
 */
export class HostFusionStage<T> {
  private readonly limits: Required<HostFusionLimits>
  /** Insertion order is age order: the first entry is the oldest. */
  private readonly held = new Map<number, Held<T>>()
  private readonly heldByHost = new Map<string, number[]>()
  /** Each host's distinct evidence (vendor and device type), most recently used last. */
  private readonly hosts = new Map<string, VendorEvidence[]>()
  private nextId = 0
  private timer: NodeJS.Timeout | undefined

  /** `release` gets every admitted record exactly once, with the item admitted beside it. */
  constructor(
    private readonly release: (record: ScanRecord, item: T) => void,
    limits: HostFusionLimits = {},
  ) {
    this.limits = { ...DEFAULT_HOST_FUSION, ...limits }
  }

  /** Records waiting for their host's vendor. */
  get size(): number {
    return this.held.size
  }

  admit(record: ScanRecord, item: T): void {
    this.expire()
    const host = record.ip
    const evidence = evidenceOf(record)
    if (evidence) {
      const known = this.remember(host, evidence)
      this.release(record, item)
      // the host is decided: a vendor for its waiting records, or a conflict that no later service undoes
      const identity = decideHost(known)
      for (const waiting of this.takeHost(host)) {
        if (identity) inheritIdentity(waiting.record, identity)
        this.release(waiting.record, waiting.item)
      }
      return
    }
    const known = this.hosts.get(host)
    if (known || record.fingerprint?.vendor) {
      const identity = known ? decideHost(known) : undefined
      if (identity) inheritIdentity(record, identity)
      this.release(record, item)
      return
    }
    const id = this.nextId++
    this.held.set(id, { record, item, since: performance.now() })
    const ids = this.heldByHost.get(host)
    if (ids) ids.push(id)
    else this.heldByHost.set(host, [id])
    if (this.held.size > this.limits.maxHeld) this.releaseOldest()
    this.timer ??= setInterval(() => this.expire(), Math.max(10, this.limits.maxAgeMs / 4)).unref()
  }

  /** Releases every held record as it is (the scan is over: no service is left to name a vendor). */
  flush(): void {
    while (this.held.size > 0) this.releaseOldest()
  }

  /** Stops the age timer (the scan is over). */
  close(): void {
    this.stopTimer()
  }

  private expire(): void {
    const oldest = performance.now() - this.limits.maxAgeMs
    for (const h of this.held.values()) {
      if (h.since > oldest) break
      this.releaseOldest()
    }
  }

  private releaseOldest(): void {
    const first = this.held.entries().next()
    if (first.done) return
    const [id, h] = first.value
    this.held.delete(id)
    const ids = this.heldByHost.get(h.record.ip) as number[]
    ids.splice(ids.indexOf(id), 1)
    if (ids.length === 0) this.heldByHost.delete(h.record.ip)
    if (this.held.size === 0) this.stopTimer()
    this.release(h.record, h.item)
  }

  private takeHost(host: string): Held<T>[] {
    const ids = this.heldByHost.get(host)
    if (!ids) return []
    this.heldByHost.delete(host)
    const out = ids.map((id) => this.held.get(id) as Held<T>)
    for (const id of ids) this.held.delete(id)
    if (this.held.size === 0) this.stopTimer()
    return out
  }

  /** Adds the evidence to its host's (each vendor and device type once) and returns them all. */
  private remember(host: string, evidence: VendorEvidence): VendorEvidence[] {
    const known = this.hosts.get(host) ?? []
    this.hosts.delete(host)
    const key = vendorKey(evidence.vendor)
    if (!known.some((e) => vendorKey(e.vendor) === key && e.device_type === evidence.device_type)) {
      known.push(evidence)
    }
    this.hosts.set(host, known)
    if (this.hosts.size > this.limits.maxHosts) this.hosts.delete(this.hosts.keys().next().value as string)
    return known
  }

  private stopTimer(): void {
    if (this.timer) clearInterval(this.timer)
    this.timer = undefined
  }
}

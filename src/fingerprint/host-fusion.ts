import type { Fingerprint, ScanRecord } from '../core/record.js'

/** The rule named by a fingerprint that host fusion made for a service that had none. */
export const HOST_FUSION_RULE = 'mamori:host-fusion'

/** What one service's own fingerprint says about the device it runs on. */
export interface VendorEvidence {
  vendor: string
  device_type?: string
  /** `<transport>/<port>` of the service. */
  from: string
}

/** The device a host's services agree on. */
export interface HostIdentity {
  vendor: string
  /** Only when every service that names a device type names the same one. */
  device_type?: string
  from: string
}

/**
 * Vendors that Recog puts on a device (`os.vendor` with an `os.device`) but that name no maker:
 * they say nothing about the other services of the host, and must not hide a real maker as a conflict.
 */
const NOT_A_MAKER = new Set(['linux', 'yocto'])

/** Vendors compared as the credential dictionaries compare them: case and punctuation ignored. */
export function vendorKey(vendor: string): string {
  return vendor.toLowerCase().replace(/[^a-z0-9]/g, '')
}

/**
 * The record's own claim about its device: a vendor its banner named (not one inferred). The
 * fingerprint's vendor is by construction a device or platform maker (to-fingerprint.ts): software
 * makers (OpenBSD for OpenSSH, lighttpd, BusyBox) stay in the product, the OS and the CPE.
 */
export function evidenceOf(record: ScanRecord): VendorEvidence | undefined {
  const fp = record.fingerprint
  if (!fp?.vendor || fp.inferred?.fields.includes('vendor')) return undefined
  const key = vendorKey(fp.vendor)
  if (key === '' || NOT_A_MAKER.has(key)) return undefined
  return {
    vendor: fp.vendor,
    ...(fp.device_type && !fp.inferred?.fields.includes('device_type')
      ? { device_type: fp.device_type }
      : {}),
    from: `${record.transport}/${record.port}`,
  }
}

/**
 * The host's device when its evidence names exactly one vendor; undefined when none does, or
 * when two do (a router forwarding a port to a camera shows both: nothing can be inferred).
 * The first evidence gives the spelling and `from`.
 */
export function decideHost(evidence: readonly VendorEvidence[]): HostIdentity | undefined {
  const first = evidence[0]
  if (!first) return undefined
  const key = vendorKey(first.vendor)
  if (evidence.some((e) => vendorKey(e.vendor) !== key)) return undefined
  const types = new Set(evidence.flatMap((e) => (e.device_type ? [e.device_type] : [])))
  const [type] = types
  return {
    vendor: first.vendor,
    ...(types.size === 1 && type ? { device_type: type } : {}),
    from: first.from,
  }
}

/**
 * Fills the host's vendor (and device type, when the record has none) into a record whose own
 * banner named no vendor, marked as inferred. A vendor the record has is never replaced. True
 * when the record changed.
 */
export function inheritIdentity(record: ScanRecord, host: HostIdentity): boolean {
  if (record.fingerprint?.vendor) return false
  const fp: Fingerprint = record.fingerprint ?? { cpe: [], rule: HOST_FUSION_RULE }
  fp.vendor = host.vendor
  const fields: ('vendor' | 'device_type')[] = ['vendor']
  if (host.device_type && !fp.device_type) {
    fp.device_type = host.device_type
    fields.push('device_type')
  }
  fp.inferred = { fields, from: host.from }
  record.fingerprint = fp
  return true
}

/**
 * Host fusion over a scan's records, as after the scan: per address (one host), the vendor its
 * services agree on goes into those that name none. Returns how many records got it.
 */
export function fuseHosts(records: readonly ScanRecord[]): number {
  const byHost = new Map<string, ScanRecord[]>()
  for (const r of records) {
    const host = byHost.get(r.ip)
    if (host) host.push(r)
    else byHost.set(r.ip, [r])
  }
  let filled = 0
  for (const host of byHost.values()) {
    const identity = decideHost(host.flatMap((r) => evidenceOf(r) ?? []))
    if (identity) for (const r of host) if (inheritIdentity(r, identity)) filled++
  }
  return filled
}

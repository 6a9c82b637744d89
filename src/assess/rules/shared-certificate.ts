import type { Finding, ScanRecord } from '../../core/record.js'
import type { TlsResult } from '../../grab/tls/tls-result.js'
import { type AssessRule, protocolData } from '../assess-rule.js'

/**
 * The same certificate (SHA-256) on several hosts is a vendor default: its private key is in every
 * firmware image, so anyone can impersonate these devices. Stateful over one scan: the finding is
 * given from the `minHosts`-th host on, and to every later one.
 */
export class SharedCertificateRule implements AssessRule {
  readonly type = 'default-certificate'
  readonly #hosts = new Map<string, Set<string>>()
  readonly #minHosts: number

  constructor(minHosts = 2) {
    this.#minHosts = minHosts
  }

  assess(record: ScanRecord): Finding | undefined {
    const cert = protocolData<TlsResult>(record, 'tls')?.cert
    if (!cert) return undefined
    let hosts = this.#hosts.get(cert.fingerprint)
    if (!hosts) {
      // bounded: a scan of many hosts keeps one set per distinct certificate
      if (this.#hosts.size >= 100_000) return undefined
      hosts = new Set()
      this.#hosts.set(cert.fingerprint, hosts)
    }
    if (hosts.size < 1000) hosts.add(record.ip)
    if (hosts.size < this.#minHosts) return undefined
    return {
      type: this.type,
      severity: 'medium',
      title: 'TLS certificate shared with other hosts (vendor default)',
      detail: `certificate ${cert.fingerprint.slice(0, 16)}… (${cert.subject}) seen on ${hosts.size} hosts in this scan`,
    }
  }
}

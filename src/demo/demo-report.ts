import type { ScanRecord } from '../core/record.js'
import type { LabTruth } from '../lab/truth.js'

/** What the demo shows a new user: what the scan found, and how that compares with the lab's truth. */
export interface DemoReport {
  devices: number
  services: { found: number; inTruth: number }
  /** Found hosts by the device type fingerprinting gave them ('unidentified' when none). */
  deviceTypes: Record<string, number>
  /** Open telnet services by port: what Mirai looks for first. */
  telnetByPort: Record<string, number>
  findings: { type: string; severity: string; count: number }[]
  /** Services where a factory-default credential logged in. */
  defaultCredentials: LoginFound[]
  /** Services that let anyone in without a credential: open shells, accounts without a password. */
  noAuthentication: LoginFound[]
  /** Services whose fingerprint vendor equals the lab's, of those with a vendor in the truth. */
  vendorCorrect: { correct: number; identified: number; total: number }
}

interface LoginFound {
  ip: string
  port: number
  protocol: string
  vendor?: string
  username?: string
  /** What the audit saw, in a few words. */
  how: string
}

function loginsWith(records: readonly ScanRecord[], result: string): LoginFound[] {
  return records
    .filter((r) => r.audit?.result === result)
    .map((r) => ({
      ip: r.ip,
      port: r.port,
      protocol: r.protocol,
      ...(r.fingerprint?.vendor ? { vendor: r.fingerprint.vendor } : {}),
      ...(r.audit?.username ? { username: r.audit.username } : {}),
      how: how(r),
    }))
}

function how(r: ScanRecord): string {
  const user = r.audit?.username
  if (r.audit?.result === 'default-credentials') return `user ${user ?? '?'}`
  if (user) return `user ${user}, no password`
  if (r.protocol === 'telnet') return 'a shell at connect'
  return (r.audit?.evidence as { reason?: string } | undefined)?.reason ?? 'no credential asked'
}

/** `scannedPorts`: the TCP ports the scan covered; truth services elsewhere are not counted. */
export function buildDemoReport(
  records: readonly ScanRecord[],
  truth: LabTruth,
  scannedPorts: readonly number[],
): DemoReport {
  const truthByIp = new Map(truth.devices.map((d) => [d.ip, d]))
  const truthKeys = new Set(
    truth.devices.flatMap((d) =>
      d.services
        .filter((s) => s.transport === 'tcp' && scannedPorts.includes(s.port))
        .map((s) => `${d.ip}:${s.port}/${s.transport}`),
    ),
  )
  const found = records.filter((r) => truthKeys.has(`${r.ip}:${r.port}/${r.transport}`))

  const typeOfHost = new Map<string, string>()
  for (const r of records) {
    const type = r.fingerprint?.device_type
    if (type) typeOfHost.set(r.ip, type)
    else if (!typeOfHost.has(r.ip)) typeOfHost.set(r.ip, 'unidentified')
  }
  const findingCounts = new Map<string, { type: string; severity: string; count: number }>()
  for (const f of records.flatMap((r) => r.findings ?? [])) {
    const entry = findingCounts.get(f.type) ?? { type: f.type, severity: f.severity, count: 0 }
    entry.count++
    findingCounts.set(f.type, entry)
  }
  let correct = 0
  let identified = 0
  for (const r of found) {
    if (!r.fingerprint?.vendor) continue
    identified++
    if (r.fingerprint.vendor.toLowerCase() === truthByIp.get(r.ip)?.vendor.toLowerCase()) correct++
  }
  return {
    devices: new Set(records.map((r) => r.ip)).size,
    services: { found: found.length, inTruth: truthKeys.size },
    deviceTypes: countBy([...typeOfHost.values()]),
    telnetByPort: countBy(records.filter((r) => r.protocol === 'telnet').map((r) => String(r.port))),
    findings: [...findingCounts.values()].sort((a, b) => b.count - a.count),
    defaultCredentials: loginsWith(records, 'default-credentials'),
    noAuthentication: loginsWith(records, 'no-authentication'),
    vendorCorrect: { correct, identified, total: found.length },
  }
}

function countBy(values: string[]): Record<string, number> {
  const counts: Record<string, number> = {}
  for (const v of values) counts[v] = (counts[v] ?? 0) + 1
  return Object.fromEntries(Object.entries(counts).sort((a, b) => b[1] - a[1]))
}

/** The report as a person reads it on a terminal. */
export function formatDemoReport(r: DemoReport): string {
  const table = (rows: Record<string, number>) =>
    Object.entries(rows)
      .map(([k, v]) => `  ${k.padEnd(16)} ${String(v).padStart(5)}`)
      .join('\n')
  const telnet = Object.values(r.telnetByPort).reduce((a, b) => a + b, 0)
  const list = (found: LoginFound[]) => [
    ...found
      .slice(0, 10)
      .map((d) => `  ${`${d.ip}:${d.port}`.padEnd(22)} ${d.protocol.padEnd(7)} ${d.vendor ?? ''} (${d.how})`),
    ...(found.length > 10 ? [`  ... and ${found.length - 10} more`] : []),
  ]
  const lines = [
    `Found ${r.services.found} of the lab's ${r.services.inTruth} services on ${r.devices} devices.`,
    '',
    'Devices by type',
    table(r.deviceTypes),
    '',
    `Open telnet: ${telnet} services (${Object.entries(r.telnetByPort)
      .map(([p, n]) => `port ${p}: ${n}`)
      .join(', ')}) — what Mirai looks for first`,
    '',
    'Findings',
    ...r.findings.map((f) => `  ${f.type.padEnd(28)} ${f.severity.padEnd(9)} ${String(f.count).padStart(5)}`),
    '',
    `No authentication at all: ${r.noAuthentication.length} services (an open shell, an account without a password, an open broker or stream)`,
    ...list(r.noAuthentication),
    '',
    `Factory-default credentials that log in: ${r.defaultCredentials.length} services`,
    ...list(r.defaultCredentials),
    '',
    `Vendor identified for ${r.vendorCorrect.identified} of ${r.vendorCorrect.total} services; ` +
      `${r.vendorCorrect.correct} match the lab's ground truth.`,
  ]
  return lines.join('\n')
}

/**
 * Credential-audit accuracy (issues 12 and 22): every service of three labs (one with the tricky and
 * hostile logins) audited and judged against the ground truth (src/lab/expected-audit.ts), then four
 * real BusyBox 1.35 devices in chroots, whose own syslog counts the attempts. Prints per family:
 * services, verdicts, misses, false claims and attempts per service; and per BusyBox device the
 * verdict, the attempts mamori reports and the attempts BusyBox logged.
 *
 *   npm run build && MAMORI_BUSYBOX_STATIC=/path/to/busybox node dist/bench/audit-accuracy.js
 */
import { randomBytes } from 'node:crypto'
import { auditService } from '../src/audit/audit-service.js'
import { type Dictionaries, loadDictionaries } from '../src/audit/dictionaries.js'
import { HostGate } from '../src/audit/host-gate.js'
import type { AuditResult, ScanRecord } from '../src/core/record.js'
import { FingerprintEngine } from '../src/fingerprint/fingerprint-engine.js'
import { createFingerprintEnricher } from '../src/fingerprint/fingerprint-enricher.js'
import { grabService } from '../src/grab/grab-service.js'
import { expectedAudit } from '../src/lab/expected-audit.js'
import { type LabOptions, startLab } from '../src/lab/lab.js'
import { canRunBusyboxChroot, startBusyboxDevice } from '../test/integration/audit/busybox-chroot.js'
import { telnetdBusybox } from '../test/integration/audit/daemons.js'

// 127.87.0.0/16 is this benchmark's block
const LABS: LabOptions[] = [
  { net: '127.87.1.0/24', seed: 7, devices: 60 },
  { net: '127.87.2.0/24', seed: 11, devices: 60 },
  { net: '127.87.3.0/24', seed: 670, devices: 60, loginQuirks: true },
]
const dictionaries = loadDictionaries()
const fingerprint = createFingerprintEnricher(FingerprintEngine.load())

interface Row {
  services: number
  verdicts: Map<string, number>
  misses: number
  falseClaims: number
  attempts: number
}

const CLAIMS = new Set(['default-credentials', 'no-authentication'])

async function auditLab(options: LabOptions, rows: Map<string, Row>): Promise<void> {
  const lab = await startLab(options)
  const gate = new HostGate()
  try {
    await Promise.all(
      lab.truth.devices.flatMap((device) =>
        device.services.map(async (service) => {
          const target = { ip: device.ip, port: service.port, transport: service.transport }
          let record: ScanRecord = await grabService(target, { scanId: 'bench' })
          for (let i = 0; i < 2 && record.status !== 'success'; i++)
            record = await grabService(target, { scanId: 'bench' })
          await fingerprint.enrich(record)
          const audit: AuditResult = await auditService(record, {
            dictionaries,
            gate,
            deviceBudget: 100,
            reveal: true,
            limits: { readTimeoutMs: 5000, deadlineMs: 20_000 },
          })
          const want = expectedAudit(service, device.family === 'lockout-router')
          const row = rows.get(device.family) ?? {
            services: 0,
            verdicts: new Map(),
            misses: 0,
            falseClaims: 0,
            attempts: 0,
          }
          rows.set(device.family, row)
          row.services++
          row.verdicts.set(audit.result, (row.verdicts.get(audit.result) ?? 0) + 1)
          row.attempts += audit.attempts ?? 0
          const password = (audit.evidence as { password?: string } | undefined)?.password
          const right =
            want.results.includes(audit.result) &&
            (want.username === undefined || audit.username === want.username) &&
            (want.password === undefined || password === want.password)
          if (!right && want.results.some((r) => CLAIMS.has(r))) row.misses++
          else if (!right && CLAIMS.has(audit.result)) row.falseClaims++
          else if (!right) row.misses++
        }),
      ),
    )
  } finally {
    await lab.stop()
  }
}

async function busyboxDevices(): Promise<string[]> {
  const busybox = telnetdBusybox()
  if (!busybox || !canRunBusyboxChroot())
    return ['(skipped: no busybox-static with telnetd, or no user namespaces)']
  const dict: Dictionaries = { ...dictionaries, vendors: [], common: dictionaries.common.slice(0, 10) }
  const cases = [
    { name: 'root with an empty password', accounts: [{ username: 'root', password: '' }] },
    { name: 'telnetd -l /bin/sh', shell: true },
    {
      name: 'a strong password',
      accounts: [{ username: 'root', password: randomBytes(12).toString('base64url') }],
    },
    { name: 'root/vizxv (Mirai entry 2)', accounts: [{ username: 'root', password: 'vizxv' }] },
  ]
  return Promise.all(
    cases.map(async (c, i) => {
      const device = await startBusyboxDevice({
        busybox,
        ip: `127.87.9.${i + 2}`,
        port: 2323,
        hostname: 'IPCAM',
        ...c,
      })
      try {
        const record = await grabService(
          { ip: device.ip, port: device.port, transport: 'tcp' },
          { scanId: 'bench' },
        )
        const audit = await auditService(record, {
          dictionaries: dict,
          limits: { readTimeoutMs: 5000, deadlineMs: 20_000 },
        })
        await new Promise((r) => setTimeout(r, 500))
        const logged = device.loggedAttempts()
        return `| ${c.name} | ${audit.result}${audit.username ? ` (${audit.username})` : ''} | ${audit.tried} | ${audit.attempts ?? 0} | ${logged.failed + logged.succeeded} (${logged.failed} failed, ${logged.succeeded} logged in) |`
      } finally {
        await device.stop()
      }
    }),
  )
}

const rows = new Map<string, Row>()
const started = performance.now()
for (const lab of LABS) await auditLab(lab, rows)
const labSeconds = (performance.now() - started) / 1000

console.log(
  `labs: ${LABS.map((l) => `seed ${l.seed}${l.loginQuirks ? ' --login-quirks' : ''}`).join(', ')}; ${labSeconds.toFixed(1)} s`,
)
console.log('| family | services | verdicts | misses | false claims | attempts / service |')
console.log('|---|---:|---|---:|---:|---:|')
let total = { services: 0, misses: 0, falseClaims: 0 }
for (const [family, row] of [...rows].sort((a, b) => a[0].localeCompare(b[0]))) {
  const verdicts = [...row.verdicts].map(([v, n]) => `${v} ${n}`).join(', ')
  console.log(
    `| ${family} | ${row.services} | ${verdicts} | ${row.misses} | ${row.falseClaims} | ${(row.attempts / row.services).toFixed(1)} |`,
  )
  total = {
    services: total.services + row.services,
    misses: total.misses + row.misses,
    falseClaims: total.falseClaims + row.falseClaims,
  }
}
console.log(`total: ${total.services} services, ${total.misses} misses, ${total.falseClaims} false claims`)
console.log(
  '\n| real BusyBox 1.35 device | verdict | entries tried | attempts (mamori) | attempts (BusyBox syslog) |',
)
console.log('|---|---|---:|---:|---|')
for (const line of await busyboxDevices()) console.log(line)

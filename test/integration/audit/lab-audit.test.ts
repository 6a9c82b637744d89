import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { auditService } from '../../../src/audit/audit-service.js'
import { loadDictionaries } from '../../../src/audit/dictionaries.js'
import { HostGate } from '../../../src/audit/host-gate.js'
import type { AuditResult, ScanRecord } from '../../../src/core/record.js'
import { FingerprintEngine } from '../../../src/fingerprint/fingerprint-engine.js'
import { createFingerprintEnricher } from '../../../src/fingerprint/fingerprint-enricher.js'
import { grabService } from '../../../src/grab/grab-service.js'
import { type RunningLab, startLab } from '../../../src/lab/lab.js'

// 127.50.20.0/24 is this file's block
let lab: RunningLab
before(async () => {
  lab = await startLab({ net: '127.50.20.0/24', seed: 20261125, devices: 24 })
})
after(async () => {
  await lab?.stop()
})

test('the lab audit finds every default credential, with no false hit and nothing sent after login', {
  timeout: 120_000,
}, async () => {
  const dictionaries = loadDictionaries()
  const fingerprint = createFingerprintEnricher(FingerprintEngine.load())
  const gate = new HostGate()
  const checks: Promise<void>[] = []
  const problems: string[] = []
  let hits = 0
  let defaults = 0
  for (const device of lab.truth.devices) {
    for (const service of device.services) {
      checks.push(
        (async () => {
          const record: ScanRecord = await grabService(
            { ip: device.ip, port: service.port, transport: 'tcp' },
            { scanId: 'lab-audit' },
          )
          await fingerprint.enrich(record)
          const audit: AuditResult = await auditService(record, { dictionaries, gate, pauseMs: 10 })
          const where = `${device.family} ${device.ip}:${service.port}/${service.protocol}`
          const credential = service.credential
          // the audit logs in where the grab found a challenge; a device that protects only deeper
          // paths (Hikvision's /ISAPI/) shows none at / and is not-applicable, never a hit
          const hidden =
            service.protocol === 'http' && (record.data.http as { status_code?: number })?.status_code !== 401
          if (hidden && credential) {
            if (audit.result !== 'not-applicable')
              problems.push(`${where}: no challenge at / but ${audit.result}`)
          } else if (credential?.default) {
            defaults++
            if (audit.result === 'default-credentials' && audit.username === credential.username) hits++
            else
              problems.push(
                `${where}: missed (${audit.result}, ${JSON.stringify(audit.evidence)?.slice(0, 300)})`,
              )
          } else if (credential) {
            if (audit.result !== 'no-default-credentials')
              problems.push(`${where}: changed password gave ${audit.result}`)
          } else if (audit.result === 'default-credentials') {
            problems.push(`${where}: no credential but default-credentials`)
          }
          if (service.protocol === 'telnet') {
            const typed = lab.postLoginInput(device.ip, service.port)
            if (typed !== '') problems.push(`${where}: sent after login: ${JSON.stringify(typed)}`)
          }
        })(),
      )
    }
  }
  await Promise.all(checks)
  assert.deepEqual(problems, [])
  assert.ok(defaults > 0, 'the lab has default-credential devices')
  assert.equal(hits, defaults)
})

import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { auditService } from '../../../src/audit/audit-service.js'
import { loadDictionaries } from '../../../src/audit/dictionaries.js'
import { HostGate } from '../../../src/audit/host-gate.js'
import type { AuditResult, ScanRecord } from '../../../src/core/record.js'
import { FingerprintEngine } from '../../../src/fingerprint/fingerprint-engine.js'
import { createFingerprintEnricher } from '../../../src/fingerprint/fingerprint-enricher.js'
import { grabService } from '../../../src/grab/grab-service.js'
import { expectedAudit } from '../../../src/lab/expected-audit.js'
import { type LabOptions, startLab } from '../../../src/lab/lab.js'

const dictionaries = loadDictionaries()
const fingerprint = createFingerprintEnricher(FingerprintEngine.load())

/**
 * Audits every service of a lab and compares with its ground truth (src/lab/expected-audit.ts): each
 * default found with the same user and password, each open shell and password-less account found
 * as no-authentication, no claim anywhere else, and nothing typed after any telnet login.
 */
async function auditLab(options: LabOptions): Promise<{
  problems: string[]
  hits: number
  expected: number
  families: Set<string>
  results: Map<string, number>
}> {
  const lab = await startLab(options)
  const gate = new HostGate()
  const problems: string[] = []
  const results = new Map<string, number>()
  let hits = 0
  let expected = 0
  try {
    const checks = lab.truth.devices.flatMap((device) =>
      device.services.map(async (service) => {
        const target = { ip: device.ip, port: service.port, transport: service.transport }
        let record: ScanRecord = await grabService(target, { scanId: 'lab-audit' })
        // a lab device always answers: a grab lost to a loaded machine is tried again
        for (let i = 0; i < 2 && record.status !== 'success'; i++) {
          record = await grabService(target, { scanId: 'lab-audit' })
        }
        await fingerprint.enrich(record)
        const audit: AuditResult = await auditService(record, {
          dictionaries,
          gate,
          pauseMs: 0,
          // every lab default sits well inside the first 60 (vendor first); keeps the test short
          deviceBudget: 60,
          reveal: true,
          // patient reads: a loaded CI machine must not turn a slow answer into a miss
          limits: { readTimeoutMs: 5000, deadlineMs: 20_000 },
        })
        const where = `${device.family} ${device.ip}:${service.port}/${service.protocol}`
        const want = expectedAudit(service, device.family === 'lockout-router')
        results.set(
          `${device.family} ${audit.result}`,
          (results.get(`${device.family} ${audit.result}`) ?? 0) + 1,
        )
        const password = (audit.evidence as { password?: string } | undefined)?.password
        const claims =
          want.results.includes('default-credentials') || want.results.includes('no-authentication')
        if (claims) expected++
        const right =
          want.results.includes(audit.result) &&
          (want.username === undefined || audit.username === want.username) &&
          (want.password === undefined || password === want.password)
        if (right && claims) hits++
        if (!right)
          problems.push(
            `${where}: ${audit.result}, expected ${want.results.join('|')} (${JSON.stringify(audit.evidence)?.slice(0, 300)})`,
          )
        if (service.protocol === 'telnet') {
          const typed = lab.postLoginInput(device.ip, service.port)
          if (typed !== '') problems.push(`${where}: sent after login: ${JSON.stringify(typed)}`)
        }
      }),
    )
    await Promise.all(checks)
  } finally {
    await lab.stop()
  }
  return { problems, hits, expected, results, families: new Set(lab.truth.devices.map((d) => d.family)) }
}

// three labs on their own /24s, audited at once
describe('credential audit on the lab', { concurrency: true }, () => {
  // 127.50.20.0/24 and 127.50.21.0/24 are this file's blocks
  test('the lab audit finds every default credential, with no false hit and nothing sent after login', {
    timeout: 120_000,
  }, async () => {
    const { problems, hits, expected, families } = await auditLab({
      net: '127.50.20.0/24',
      seed: 20261125,
      devices: 24,
    })
    assert.deepEqual(problems, [])
    assert.ok(expected > 0, 'the lab has default-credential devices')
    assert.ok(families.has('busybox-empty-root'), [...families].join())
    assert.equal(hits, expected)
  })

  test('the same on tricky and hostile logins: menus, lockout, broken login, accepts-any, busy slot, rate limit, drops, colours', {
    timeout: 180_000,
  }, async () => {
    const { problems, hits, expected, families } = await auditLab({
      net: '127.50.21.0/24',
      seed: 670,
      devices: 60,
      loginQuirks: true,
    })
    for (const f of [
      'zyxel-prestige-smt',
      'lockout-router',
      'broken-login-camera',
      'login-prompt-shell-gateway',
      'any-short-password-telnet',
      'single-slot-any-telnet',
      'single-slot-camera',
      'rate-limited-any-http',
      'rate-limited-camera',
      'dropping-telnet',
      'coloured-prompt-camera',
    ]) {
      assert.ok(families.has(f), `seed 670 places ${f}`)
    }
    assert.deepEqual(problems, [])
    assert.equal(hits, expected)
  })

  // 127.50.24.0/24
  test("the lab's hostile peers: no hit, no hang, ambiguous devices given up after a few tries", {
    timeout: 60_000,
  }, async () => {
    const lab = await startLab({ net: '127.50.24.0/24', seed: 4, devices: 1, hostile: true })
    try {
      const hostile = lab.truth.devices.filter((d) => d.family.startsWith('hostile'))
      assert.ok(hostile.length >= 5)
      const results = await Promise.all(
        hostile.flatMap((d) =>
          d.services.map(async (s) => {
            const record = await grabService(
              { ip: d.ip, port: s.port, transport: s.transport },
              { scanId: 'hostile' },
            )
            return auditService(record, { dictionaries, pauseMs: 0 })
          }),
        ),
      )
      for (const r of results) {
        assert.notEqual(r.result, 'default-credentials')
        assert.ok(r.tried <= 5, `${r.tried} tries`)
      }
    } finally {
      await lab.stop()
    }
  })
})

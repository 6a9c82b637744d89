import assert from 'node:assert/strict'
import { test } from 'node:test'
import { expectedAudit } from '../lab/expected-audit.js'
import { startLab } from '../lab/lab.js'
import { loadFamilies } from '../lab/load-families.js'
import { planLab } from '../lab/plan-lab.js'
import { parsePortSpec } from '../targets/port-spec.js'
import { formatDemoReport } from './demo-report.js'
import { DEFAULT_DEMO, runDemo } from './run-demo.js'

test("the demo's lab has an open telnet shell and a root account with no password", () => {
  const { truth } = planLab(DEFAULT_DEMO, loadFamilies())
  const telnet = truth.devices.flatMap((d) => d.services.filter((s) => s.protocol === 'telnet'))
  assert.ok(telnet.some((s) => s.auth === 'none'))
  assert.ok(telnet.some((s) => s.no_password_prompt && s.credential?.default))
})

test('the demo finds every lab service on the iot ports and every factory-default login among them', async () => {
  // the truth of the same seed, read from a lab started and stopped before the demo's own
  const probe = await startLab({
    net: DEFAULT_DEMO.net,
    seed: DEFAULT_DEMO.seed,
    devices: DEFAULT_DEMO.devices,
  })
  const truth = probe.truth
  await probe.stop()
  const iot = parsePortSpec('iot').tcp
  const auditable = new Set(['telnet', 'ssh', 'http', 'ftp', 'mqtt', 'rtsp'])
  const expected = (result: string) =>
    truth.devices.flatMap((d) =>
      d.services
        .filter(
          (s) => iot.includes(s.port) && auditable.has(s.protocol) && expectedAudit(s).results[0] === result,
        )
        .map((s) => `${d.ip}:${s.port}`),
    )
  const defaults = expected('default-credentials')
  const open = expected('no-authentication')

  const { report, summary, records } = await runDemo(DEFAULT_DEMO)

  assert.equal(summary.interrupted, false)
  assert.equal(report.services.found, report.services.inTruth)
  assert.ok(report.services.inTruth > 100)
  const found = new Set(report.defaultCredentials.map((d) => `${d.ip}:${d.port}`))
  // a miss says what the scan saw there: the grab, the fingerprint and the audit's verdict
  const seen = (key: string) => {
    const r = records.find((x) => `${x.ip}:${x.port}` === key)
    return JSON.stringify(r && { status: r.status, data: r.data, fingerprint: r.fingerprint, audit: r.audit })
  }
  for (const key of defaults)
    assert.ok(found.has(key), `default credential on ${key} found; the scan saw ${seen(key)}`)
  assert.equal(found.size, defaults.length, 'no login claimed where the lab has no default')
  // the open shells and the root account without a password: critical, and shown
  const openFound = new Set(report.noAuthentication.map((d) => `${d.ip}:${d.port}`))
  for (const key of open)
    assert.ok(openFound.has(key), `no authentication on ${key} found; the scan saw ${seen(key)}`)
  assert.equal(openFound.size, open.length, 'no open access claimed where the lab has none')
  assert.ok(open.length >= 2)
  // the grab-proved ones (RTSP stream, anonymous MQTT) have their own exposure findings
  const byAudit = records.filter((r) => open.includes(`${r.ip}:${r.port}`) && r.protocol === 'telnet')
  assert.equal(report.findings.find((f) => f.type === 'no-authentication')?.count, byAudit.length)
  assert.equal(report.vendorCorrect.correct, report.vendorCorrect.identified, 'no wrong vendor')
  assert.ok((report.findings.find((f) => f.type === 'telnet-exposed')?.count ?? 0) > 0)
  assert.match(formatDemoReport(report), /Found \d+ of the lab's \d+ services/)
})

import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { MamoriError } from '../core/errors.js'
import { HOSTILE_PEERS } from './hostile-peers.js'
import { loadFamilies } from './load-families.js'
import { DEFAULT_CREDENTIAL_SHARE, OLD_FIRMWARE_SHARE, planLab } from './plan-lab.js'

const families = loadFamilies()
const big = planLab({ net: '127.16.0.0/16', seed: 7 }, families)
const quirky = planLab({ net: '127.16.0.0/16', seed: 7, loginQuirks: true }, families)

/** The families of docs/lab.md "Hostile logins", placed with --login-quirks only. */
const HOSTILE_LOGINS = [
  'any-short-password-telnet',
  'single-slot-any-telnet',
  'single-slot-camera',
  'rate-limited-any-http',
  'rate-limited-camera',
  'dropping-telnet',
  'coloured-prompt-camera',
]
const servicesOf = (truth: typeof big.truth, family: string) =>
  truth.devices.filter((d) => d.family === family).flatMap((d) => d.services)

describe('lab plan', () => {
  it('is a function of the seed: same seed same truth, another seed another truth', () => {
    const again = planLab({ net: '127.16.0.0/16', seed: 7 }, families)
    assert.equal(JSON.stringify(again.truth), JSON.stringify(big.truth))
    const other = planLab({ net: '127.16.0.0/16', seed: 8 }, families)
    assert.notEqual(JSON.stringify(other.truth), JSON.stringify(big.truth))
    assert.notDeepEqual(
      other.truth.devices.map((d) => d.ip),
      big.truth.devices.map((d) => d.ip),
    )
  })

  it('fills a /16 with ~300 devices from at least 15 families and every device type', () => {
    assert.equal(big.truth.devices.length, 300)
    assert.equal(big.truth.net, '127.16.0.0/16')
    const seen = new Set(big.truth.devices.map((d) => d.family))
    assert.ok(seen.size >= 15, `only ${seen.size} families`)
    assert.ok(families.length >= 15)
    const types = new Set(big.truth.devices.map((d) => d.device_type))
    for (const t of ['camera', 'dvr', 'router', 'nas', 'printer', 'gateway']) assert.ok(types.has(t), t)
  })

  it('leaves ~40% with factory credentials and gives the rest strong passwords', () => {
    const withAuth = big.truth.devices.filter((d) => d.services.some((s) => s.credential))
    const weak = withAuth.filter((d) => d.services.some((s) => s.credential?.default))
    const share = weak.length / withAuth.length
    assert.ok(Math.abs(share - DEFAULT_CREDENTIAL_SHARE) < 0.1, `default share ${share}`)
    for (const device of big.truth.devices) {
      const family = families.find((f) => f.id === device.family)
      assert.ok(family)
      for (const s of device.services) {
        if (s.auth !== 'none') assert.ok(s.credential, `${device.id}:${s.port} has auth but no credential`)
        if (!s.credential) continue
        const spec = family.services.find((x) => x.port === s.port)
        const factory = (spec?.defaults ?? []).map((c) => `${c.username}:${c.password}`)
        const pair = `${s.credential.username}:${s.credential.password}`
        if (s.credential.default) assert.ok(factory.includes(pair), `${pair} is not a ${family.id} default`)
        else assert.equal(s.credential.password.length, 16)
      }
    }
  })

  it('runs old firmware on about a third of the devices of families that have both kinds', () => {
    const mixed = families.filter((f) => f.versions.some((v) => v.old) && f.versions.some((v) => !v.old))
    const devices = big.truth.devices.filter((d) => mixed.some((f) => f.id === d.family))
    const old = devices.filter(
      (d) => mixed.find((f) => f.id === d.family)?.versions.find((v) => v.version === d.version)?.old,
    )
    const share = old.length / devices.length
    assert.ok(Math.abs(share - OLD_FIRMWARE_SHARE) < 0.1, `old share ${share}`)
  })

  it('puts every device on its own address and plans one listener per truth service', () => {
    assert.equal(new Set(big.truth.devices.map((d) => d.ip)).size, big.truth.devices.length)
    const services = big.truth.devices.flatMap((d) => d.services.map((s) => `${d.ip}:${s.port}`))
    assert.deepEqual(
      big.services.map((s) => `${s.ip}:${s.spec.port}`),
      services,
    )
  })

  it('fills every placeholder of every banner', () => {
    for (const s of big.services) assert.doesNotMatch(JSON.stringify(s.spec), /\{[a-z_]+\}/, s.deviceId)
  })

  it('adds the hostile peers after the devices, on addresses of their own', () => {
    const plan = planLab({ net: '127.20.0.0/24', seed: 1, devices: 5, hostile: true }, families)
    assert.equal(plan.truth.devices.length, 5 + HOSTILE_PEERS.length)
    const hostile = plan.truth.devices.slice(5)
    assert.ok(hostile.every((d) => d.family.startsWith('hostile-') && d.device_type === 'hostile'))
    assert.equal(new Set(plan.truth.devices.map((d) => d.ip)).size, plan.truth.devices.length)
  })

  it('places the hostile logins only with --login-quirks, and the open shell and empty root in every lab', () => {
    const quirkFamilies = new Set(families.filter((f) => f.login_quirks).map((f) => f.id))
    for (const f of HOSTILE_LOGINS) assert.ok(quirkFamilies.has(f), `${f} is a login-quirks family`)
    assert.ok(big.truth.devices.every((d) => !quirkFamilies.has(d.family)))
    const placed = new Set(quirky.truth.devices.map((d) => d.family))
    for (const f of [...quirkFamilies, 'busybox-open-shell', 'busybox-empty-root'])
      assert.ok(placed.has(f), f)
    // `mamori lab --devices 60` with the default seed, and the default lab (300 devices)
    for (const devices of [60, undefined]) {
      const plain = planLab({ net: '127.16.0.0/16', seed: 1, devices }, families)
      const seen = new Set(plain.truth.devices.map((d) => d.family))
      assert.ok(seen.has('busybox-open-shell') && seen.has('busybox-empty-root'), `${devices} devices`)
    }
  })

  it('tells in the truth what a correct audit has to notice', () => {
    const openShell = servicesOf(quirky.truth, 'busybox-open-shell')
    assert.ok(openShell.length > 0 && openShell.every((s) => s.auth === 'none' && !s.credential))
    const emptyRoot = servicesOf(quirky.truth, 'busybox-empty-root')
    const kept = emptyRoot.filter((s) => s.credential?.default)
    assert.ok(kept.length > 0 && kept.length < emptyRoot.length, 'both kept and changed empty roots')
    for (const s of emptyRoot) {
      assert.equal(s.credential?.username, 'root')
      if (s.credential?.default) assert.deepEqual([s.credential.password, s.no_password_prompt], ['', true])
      else assert.deepEqual([s.credential?.password.length, s.no_password_prompt], [16, undefined])
    }
    // busybox-generic asks no password of root/"" either (the device test has one)
    for (const s of servicesOf(quirky.truth, 'busybox-generic'))
      assert.equal(s.no_password_prompt, s.credential?.password === '' || undefined)
    for (const f of ['any-short-password-telnet', 'single-slot-any-telnet', 'rate-limited-any-http'])
      for (const s of servicesOf(quirky.truth, f))
        assert.deepEqual([s.accepts_any, s.credential], [true, undefined], f)
    for (const s of servicesOf(quirky.truth, 'dropping-telnet'))
      assert.deepEqual([s.drops, s.credential], [true, undefined])
    for (const f of ['single-slot-camera', 'rate-limited-camera', 'coloured-prompt-camera'])
      for (const s of servicesOf(quirky.truth, f)) assert.ok(s.credential && !s.accepts_any && !s.drops, f)
    // nothing else carries these marks
    const marked = quirky.truth.devices.filter((d) =>
      d.services.some((s) => s.accepts_any || s.drops || s.no_password_prompt),
    )
    const expected = new Set([
      'busybox-empty-root',
      'busybox-generic',
      'any-short-password-telnet',
      'single-slot-any-telnet',
      'rate-limited-any-http',
      'dropping-telnet',
    ])
    assert.ok(marked.every((d) => expected.has(d.family)))
  })

  it('refuses impossible options with a usage error', () => {
    const usage = (e: unknown) => e instanceof MamoriError && e.exitCode === 2
    assert.throws(() => planLab({ net: '127.16.0.0/30', seed: 1, devices: 4 }, families), usage)
    assert.throws(() => planLab({ net: '127.16.0.0/24', seed: 1, devices: -1 }, families), usage)
    assert.throws(() => planLab({ net: '127.16.0.0/24', seed: 1.5 }, families), usage)
    assert.throws(
      () => planLab({ net: '127.16.0.0/28', seed: 1, devices: 10, hostile: true }, families),
      usage,
    )
    assert.throws(() => planLab({ net: '10.1.0.0/16', seed: 1 }, families), usage)
  })
})

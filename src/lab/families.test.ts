import assert from 'node:assert/strict'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { stringify } from 'yaml'
import { MamoriError } from '../core/errors.js'
import { loadRecogDir } from '../fingerprint/recog/load-recog.js'
import { sharedData } from '../testing/shared-data.js'
import type { FamilySpec, ServiceSpec } from './family.js'
import { loadFamilies } from './load-families.js'
import { renderDeep } from './render-template.js'

const families = loadFamilies()
/** The families whose banners are telnet, SSH and HTTP only (the ones checked against Recog). */
const TELNET_SSH_HTTP_FAMILIES = [
  'xiongmai-dvr',
  'hisilicon-dvr',
  'hikvision-camera',
  'dahua-dvr',
  'dlink-router',
  'dlink-camera',
  'tplink-router',
  'huawei-hg532',
  'netgear-router',
  'ubiquiti-airos',
  'mikrotik-routeros',
  'synology-nas',
  'hp-printer',
  'axis-camera',
  'zte-router',
  'realtek-router',
  'busybox-generic',
  'busybox-empty-root',
]

/** What a scanner observes from one rendered service, keyed like the fingerprint stage's keys. */
function observations(s: ServiceSpec): [string, string][] {
  if (s.protocol === 'telnet') return [['telnet.banner', s.greeting + s.login_prompt]]
  if (s.protocol === 'ssh') return [['ssh.banner', s.software]]
  if (s.protocol !== 'http') return []
  const out: [string, string][] = []
  if (s.server) out.push(['http.server', s.server])
  if (s.title) out.push(['http.title', s.title])
  if (s.auth !== 'none')
    out.push(['http.wwwauth', `${s.auth === 'basic' ? 'Basic' : 'Digest'} realm="${s.realm}"`])
  return out
}

function renderedServices(f: FamilySpec): ServiceSpec[] {
  return f.models.flatMap((m) =>
    f.versions.flatMap((v) =>
      renderDeep(f.services, {
        ...m.vars,
        ...v.vars,
        model: m.product,
        version: v.version,
        hostname: f.hostname,
        serial: '2K0123456789',
        mac: '00408C1A2B3C',
        ip: '127.16.0.5',
      }),
    ),
  )
}

describe('lab families', () => {
  it('ship at least 15 families, each with old and current firmware or a single line', () => {
    assert.ok(families.length >= 15, `${families.length} families`)
    assert.ok(families.filter((f) => f.versions.some((v) => v.old)).length >= 15)
    for (const f of families)
      assert.ok(
        f.services.every((s) => s.protocol !== 'http' || s.title || s.server),
        f.id,
      )
  })

  it('send banners that real-world Recog fingerprints recognise, with the same vendor', () => {
    const { rules } = loadRecogDir(sharedData('recog'))
    const norm = (x: string) => x.toLowerCase().replace(/[^a-z0-9]/g, '')
    const unrecognised: string[] = []
    for (const f of families.filter((f) => TELNET_SSH_HTTP_FAMILIES.includes(f.id))) {
      let recognised = false
      for (const s of renderedServices(f)) {
        for (const [key, text] of observations(s)) {
          for (const rule of rules.filter(
            (r) => r.matchKey === key && r.params.length > 0 && r.regex.test(text),
          )) {
            recognised = true
            for (const p of rule.params) {
              if ((p.name === 'hw.vendor' || p.name === 'os.vendor') && p.pos === 0 && p.value) {
                const [a, b] = [norm(p.value), norm(f.vendor)]
                assert.ok(a.startsWith(b) || b.startsWith(a), `${f.id}: "${text}" is ${p.value} to Recog`)
              }
            }
          }
        }
      }
      if (!recognised) unrecognised.push(f.id)
    }
    // generic BusyBox and Dahua banners carry no vendor marks that Recog keys on
    assert.deepEqual(unrecognised, ['dahua-dvr', 'busybox-generic', 'busybox-empty-root'])
  })
})

describe('lab family loader', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mamori-lab-families-'))
  const write = (name: string, text: string) => {
    const file = join(dir, name)
    writeFileSync(file, text)
    return file
  }
  const base = () => structuredClone(families.find((f) => f.id === 'zte-router')) as Record<string, unknown>
  const invalid = (pattern: RegExp) => (e: unknown) =>
    e instanceof MamoriError && e.code === 'ERR_DATA_INVALID' && pattern.test(e.message)

  it('reports YAML syntax errors and schema errors with their path', () => {
    assert.throws(
      () => loadFamilies(write('syntax.yaml', 'families: [\n  - id: x\n')),
      invalid(/cannot read/),
    )
    assert.throws(() => loadFamilies(write('missing.yaml', 'nothing: 1\n')), invalid(/families/))
    const noDefaults = base()
    ;(noDefaults.services as Record<string, unknown>[])[0] = { protocol: 'telnet', port: 23 }
    assert.throws(
      () => loadFamilies(write('defaults.yaml', stringify({ families: [noDefaults] }))),
      invalid(/families\.0\.services\.0\.defaults/),
    )
    const badPort = base()
    ;(badPort.services as Record<string, unknown>[])[0] = {
      protocol: 'ssh',
      port: 70000,
      software: 'x',
      defaults: [],
    }
    assert.throws(() => loadFamilies(write('port.yaml', stringify({ families: [badPort] }))), invalid(/port/))
  })

  it('refuses duplicate ids, two services on one port and unknown placeholders', () => {
    assert.throws(
      () => loadFamilies(write('dup.yaml', stringify({ families: [base(), base()] }))),
      invalid(/duplicate/),
    )
    const samePort = base()
    const services = samePort.services as Record<string, unknown>[]
    services.push({ ...services[0] })
    assert.throws(
      () => loadFamilies(write('same.yaml', stringify({ families: [samePort] }))),
      invalid(/port 23/),
    )
    const typo = base()
    ;(typo.services as Record<string, unknown>[])[1] = {
      ...(typo.services as Record<string, unknown>[])[1],
      server: 'Mini web server {versoin}',
    }
    assert.throws(
      () => loadFamilies(write('typo.yaml', stringify({ families: [typo] }))),
      invalid(/\{versoin\}/),
    )
  })

  it('needs telnet defaults only where a credential can log in, and refuses fields a device would ignore', () => {
    const load = (name: string, telnet: Record<string, unknown>) => {
      const family = base()
      ;(family.services as Record<string, unknown>[])[0] = { protocol: 'telnet', port: 23, ...telnet }
      return loadFamilies(write(name, stringify({ families: [family] })))
    }
    assert.equal(load('shell.yaml', { login_style: 'none' })[0]?.services[0]?.protocol, 'telnet')
    assert.ok(load('any.yaml', { accept_any_max_length: 16 }))
    assert.ok(load('drops.yaml', { drop_after_ms: 1000 }))
    const creds = { defaults: [{ username: 'root', password: '' }] }
    assert.throws(
      () => load('mixed.yaml', { ...creds, busy_after_login_ms: 3000, prompts_empty_password: false }),
      invalid(/not played with login quirks/),
    )
    assert.throws(() => load('slot.yaml', { busy_after_login_ms: 3000 }), invalid(/defaults/))
    const digestAny = base()
    const http = (digestAny.services as Record<string, unknown>[])[1] as Record<string, unknown>
    Object.assign(http, { auth: 'digest', accept_any: true })
    assert.throws(
      () => loadFamilies(write('digest-any.yaml', stringify({ families: [digestAny] }))),
      invalid(/accept_any needs auth basic/),
    )
  })

  it('refuses HTTP auth without a realm', () => {
    const noRealm = base()
    const http = (noRealm.services as Record<string, unknown>[])[1] as Record<string, unknown>
    delete http.realm
    assert.throws(
      () => loadFamilies(write('realm.yaml', stringify({ families: [noRealm] }))),
      invalid(/realm/),
    )
  })
})

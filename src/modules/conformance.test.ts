import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import type net from 'node:net'
import { after, before, describe, test } from 'node:test'
import { createAssessEnricher } from '../assess/assess-enricher.js'
import { auditService } from '../audit/audit-service.js'
import type { Dictionaries } from '../audit/dictionaries.js'
import { dataPath } from '../core/paths.js'
import type { ProtocolModule } from '../core/protocol-module.js'
import { observationsOf } from '../fingerprint/fingerprint-enricher.js'
import { observationKeys } from '../fingerprint/observation-keys.js'
import { lintOwnRules } from '../fingerprint/own/lint-rules.js'
import { loadOwnRulesText } from '../fingerprint/own/load-own-rules.js'
import { loadVocabulary } from '../fingerprint/vocab.js'
import { grabService } from '../grab/grab-service.js'
import { tlsLayer } from '../grab/tls/tls-layer.js'
import { type RunningLab, startLab } from '../lab/lab.js'
import { portPresets } from '../targets/port-presets.js'
import {
  AddressBlock,
  type Counted,
  caseRandom,
  grabConforming,
  HOSTILE_CASES,
} from '../testing/conformance.js'
import { lineModule } from '../testing/line-protocol/index.js'
import { tcpPeer, udpPeer } from '../testing/protocol-peer.js'
import { type Shape, type ShapingProxy, tcpShapingProxy, udpShapingProxy } from '../testing/shaping-proxy.js'
import { builtinModules } from './index.js'

// This file's loopback block: 127.120.2.0-127.120.15.255 for its peers and proxies, the lab on 127.120.200.0/24.
const block = new AddressBlock('127.120')
const LAB_NET = '127.120.200.0/24'
let lab: RunningLab
const pem = readFileSync(dataPath('lab', 'certs', 'hikvision-dvrnvr.pem'), 'utf8')

before(async () => {
  lab = await startLab({ net: LAB_NET, seed: 70, devices: 200 })
})
after(() => lab.stop())

type AnyModule = ProtocolModule<unknown>

/** Every hostile case against one module (inside TLS on `tlsPort` when given), at once. */
async function hostile(module: AnyModule, grabber: AnyModule, tlsPort?: number): Promise<void> {
  await Promise.all(
    HOSTILE_CASES.map(async (c) => {
      const rng = caseRandom(module.name, c.name)
      let peer: Counted & { close(): Promise<void> }
      if (module.transport === 'udp') {
        const udp = c.udp
        if (!udp) return
        const p = await udpPeer(block.next(), (request, send) => udp(request, send, rng))
        peer = {
          target: p.target,
          close: p.close,
          get connections() {
            return p.requests.length
          },
        }
      } else {
        const tls = tlsPort !== undefined ? { cert: pem, key: pem } : undefined
        peer = await tcpPeer(block.next(), ({ socket }) => c.tcp(socket, rng), {
          port: tlsPort ?? 0,
          ...(tls ? { tls } : {}),
        })
      }
      try {
        await grabConforming(grabber, peer, tlsPort ? `inside TLS, ${c.name}` : c.name)
      } finally {
        await peer.close()
      }
    }),
  )
}

/** The first lab service speaking `protocol`. */
function labService(protocol: string) {
  for (const device of lab.truth.devices)
    for (const s of device.services)
      if (s.protocol === protocol) return { ip: device.ip, port: s.port, transport: s.transport }
  throw new Error(`no lab service speaks ${protocol}: add one to data/lab/families.yaml`)
}

/** Proxies per module, each running its share of the cuts: SSDP lingers 400 ms after each reply. */
const PROXIES = { tcp: 4, udp: 16 }

/**
 * The module against a real lab device through shaping proxies: whole (it must succeed), cut after
 * every byte the device sends on a connection (or in a datagram), and with its text corrupted.
 */
async function truncated(grabber: AnyModule, upstream = labService(grabber.name)): Promise<void> {
  const shapes: Shape[] = Array.from({ length: PROXIES[grabber.transport] }, () => ({}))
  const open = grabber.transport === 'udp' ? udpShapingProxy : tcpShapingProxy
  const proxies: ShapingProxy[] = []
  for (const shape of shapes) proxies.push(await open(block.next(), upstream.port, upstream, shape))
  try {
    const whole = await grabConforming(grabber, proxies[0] as ShapingProxy, 'the lab device, whole')
    if (whole.status !== 'success') throw new Error(`${grabber.name}: the lab device gave ${whole.status}`)
    const longest = Math.max(...(proxies[0] as ShapingProxy).served)
    let next = 0
    await Promise.all(
      proxies.map(async (proxy, i) => {
        const shape = shapes[i] as Shape
        for (let cut = next++; cut < longest; cut = next++) {
          shape.cutAt = cut
          await grabConforming(grabber, proxy, `cut after ${cut} of ${longest} bytes`)
        }
      }),
    )
    delete (shapes[0] as Shape).cutAt
    ;(shapes[0] as Shape).corrupt = true
    await grabConforming(grabber, proxies[0] as ShapingProxy, 'the lab device, text not UTF-8')
  } finally {
    await Promise.all(proxies.map((p) => p.close()))
  }
}

describe('every registered module against hostile and cut peers', { concurrency: 4 }, () => {
  const tls = tlsLayer(builtinModules) as AnyModule
  for (const module of builtinModules) {
    test(module.name, async () => {
      await hostile(module, module)
      const tlsPort = module.tlsPorts?.[0]
      if (tlsPort !== undefined) await hostile(module, tls, tlsPort)
      await truncated(module)
    })
  }
  test('tls (the layer the grab stage applies)', async () => {
    await hostile(tls, tls)
    await truncated(tls)
  })
})

/** A LINE/1 server: its greeting, then USER/PASS; `anyone` lets every password in. */
function lineServer(product: string, user: string, password: string, anyone = false) {
  return (socket: net.Socket) => {
    socket.write(`LINE/1 ${product} ready\r\n`)
    let buffer = ''
    let name: string | undefined
    socket.on('data', (d: Buffer) => {
      buffer += d.toString('latin1')
      for (let lf = buffer.indexOf('\n'); lf >= 0; lf = buffer.indexOf('\n')) {
        const line = buffer.slice(0, lf).replace(/\r$/, '')
        buffer = buffer.slice(lf + 1)
        if (line.startsWith('USER ')) {
          name = line.slice(5)
          socket.write('PASS?\r\n')
        } else if (line.startsWith('PASS ')) {
          const ok = anyone || (name === user && line.slice(5) === password)
          socket.end(ok ? 'OK\r\n' : 'DENIED\r\n')
        }
      }
    })
  }
}

const lineDictionary: Dictionaries = {
  mirai: [],
  vendors: [],
  common: [
    { id: 'line-1', username: 'admin', password: 'admin', source: 'test' },
    { id: 'line-2', username: 'admin', password: 'line-secret', source: 'test' },
  ],
}

test('a new server-first protocol with a login is one folder and one line in the module list', async () => {
  // the one line: nothing else in src/ knows LINE/1 (src/testing/line-protocol/ is the folder)
  const modules = [...builtinModules, lineModule as AnyModule]
  const serve = lineServer('acme-gw', 'admin', 'line-secret')
  const server = await tcpPeer(block.next(), ({ socket }) => serve(socket), { port: 4111 })
  const elsewhere = await tcpPeer(block.next(), ({ socket }) => serve(socket))
  const open = await tcpPeer(
    block.next(),
    ({ socket }) => lineServer('acme-gw', 'admin', 'x', true)(socket),
    {
      port: 4111,
    },
  )
  try {
    // the conformance suite takes it as it takes the built-in modules
    await hostile(lineModule as AnyModule, lineModule as AnyModule)
    await truncated(lineModule as AnyModule, server.target)

    // grab: its port suggests it; on a port nobody claims, its greeting decides
    const record = await grabService(server.target, { scanId: 's-line', modules })
    assert.equal(record.protocol, 'line')
    assert.equal(record.status, 'success')
    assert.deepEqual(record.data.line, { greeting: 'LINE/1 acme-gw ready', product: 'acme-gw' })
    const found = await grabService(elsewhere.target, { scanId: 's-line', modules, bannerWaitMs: 300 })
    assert.equal(found.protocol, 'line')

    // fingerprinting reads its keys, and the rule linter knows them from the module list
    assert.deepEqual(
      observationsOf(record, modules).map((o) => o.key),
      ['line.product', 'service.protocol', 'nmap.tcp.NULL'],
    )
    const rule = loadOwnRulesText(
      "match: line.product\npreference: 0.9\nrules:\n  - id: acme-gw\n    description: d\n    pattern: '^acme-gw$'\n    set: { service.product: ACME gateway }\n    examples: [{ text: acme-gw }]\n",
      'line.yaml',
    ).rules
    assert.equal(lintOwnRules(rule, loadVocabulary()).length, 1)
    assert.deepEqual(lintOwnRules(rule, loadVocabulary(), observationKeys(modules)), [])

    // its findings, its ports in the presets
    createAssessEnricher(modules).enrich(record)
    assert.deepEqual(
      record.findings?.map((f) => f.type),
      ['line-login-exposed'],
    )
    assert.match(portPresets(modules).iot ?? '', /,4111,/)

    // the credential audit logs in with its login, confirmed by refused controls
    const quick = { pauseMs: 0, retryWaitsMs: { pair: [0], control: [0] } }
    const audit = await auditService(record, { dictionaries: lineDictionary, modules, ...quick })
    assert.equal(audit.result, 'default-credentials')
    assert.equal(audit.entry, 'line-2')
    assert.equal(audit.tried, 2)
    const controls = (audit.evidence as { controls: { verdict: string; refusal?: string }[] }).controls
    assert.equal(controls.length, 3)
    assert.ok(controls.every((c) => c.verdict === 'failure' && c.refusal === 'line:denied'))
    // a server that lets any password in is not a default credential
    const anyone = await grabService(open.target, { scanId: 's-line', modules })
    const any = await auditService(anyone, { dictionaries: lineDictionary, modules, ...quick })
    assert.equal(any.result, 'accepts-any-credentials')
  } finally {
    await Promise.all([server.close(), elsewhere.close(), open.close()])
  }
})

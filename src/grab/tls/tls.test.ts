import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import type net from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import tls from 'node:tls'
import { builtinModules } from '../../modules/index.js'
import { fuzz, mutate, onlyProtocolError } from '../../testing/fuzz.js'
import { grabOnce, tcpPeer } from '../../testing/protocol-peer.js'
import { chainDer, describeCertificate, distinguishedName } from './certificate.js'
import { tlsLayer } from './tls-layer.js'

const IP = '127.70.5.1'
/** TLS as the grab stage applies it over the built-in modules (MQTT inside on 8883). */
const tlsModule = tlsLayer(builtinModules)
let dir: string
let ca: { cert: string; key: string }
let leaf: { cert: string; key: string }

function openssl(...args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' })
}

// a CA and an expired leaf it signed, made by openssl here (EC keys: fast)
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'mamori-tls-'))
  writeFileSync(join(dir, 'index.txt'), '')
  writeFileSync(join(dir, 'serial'), '1000\n')
  writeFileSync(
    join(dir, 'ca.cnf'),
    `[ca]\ndefault_ca=d\n[d]\ndatabase=${dir}/index.txt\nnew_certs_dir=${dir}\nserial=${dir}/serial\ndefault_md=sha256\npolicy=p\ncopy_extensions=copy\n[p]\ncommonName=supplied\norganizationName=optional\n`,
  )
  openssl(
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-keyout',
    'ca.key',
    '-out',
    'ca.pem',
    '-days',
    '30',
    '-subj',
    '/O=Example Vendor, Ltd./CN=Example Device CA',
  )
  openssl(
    'req',
    '-new',
    '-newkey',
    'rsa:1024',
    '-nodes',
    '-keyout',
    'leaf.key',
    '-out',
    'leaf.csr',
    '-subj',
    '/O=Example Vendor/CN=IPC-1234',
    '-addext',
    'subjectAltName=DNS:ipc.local,IP:192.168.1.64',
  )
  openssl(
    'ca',
    '-batch',
    '-config',
    'ca.cnf',
    '-cert',
    'ca.pem',
    '-keyfile',
    'ca.key',
    '-in',
    'leaf.csr',
    '-out',
    'leaf.pem',
    '-startdate',
    '20200101000000Z',
    '-enddate',
    '20210101000000Z',
    '-notext',
  )
  ca = { cert: readFileSync(join(dir, 'ca.pem'), 'utf8'), key: readFileSync(join(dir, 'ca.key'), 'utf8') }
  leaf = {
    cert: readFileSync(join(dir, 'leaf.pem'), 'utf8'),
    key: readFileSync(join(dir, 'leaf.key'), 'utf8'),
  }
})
after(() => rmSync(dir, { recursive: true, force: true }))

async function tlsServer(port: number, onSecure: (s: tls.TLSSocket) => void, options: tls.TlsOptions = {}) {
  const server = tls.createServer(
    {
      cert: leaf.cert + ca.cert,
      key: leaf.key,
      minVersion: 'TLSv1.2',
      ciphers: 'DEFAULT:@SECLEVEL=0',
      ...options,
    },
    onSecure,
  )
  server.on('tlsClientError', () => {})
  await new Promise<void>((r) => server.listen(port, IP, () => r()))
  const actual = (server.address() as net.AddressInfo).port
  return {
    target: { ip: IP, port: actual, transport: 'tcp' as const },
    close: () => new Promise((r) => server.close(r)),
  }
}

test('an expired leaf and its CA: chain, SANs, key, fingerprint, self-signed only for the CA', async () => {
  const server = await tlsServer(0, (s) => s.end())
  try {
    const out = await grabOnce(tlsModule, server.target)
    assert.equal(out.status, 'success', out.error)
    const r = out.result
    assert.match(r?.version ?? '', /^TLSv1\.[23]$/)
    assert.ok(r?.cipher?.name)
    assert.equal(r?.cert?.subject, 'O=Example Vendor,CN=IPC-1234')
    assert.equal(r?.cert?.issuer, 'CN=Example Device CA,O=Example Vendor\\, Ltd.')
    assert.deepEqual(r?.cert?.sans, ['DNS:ipc.local', 'IP Address:192.168.1.64'])
    assert.equal(r?.cert?.expired, true)
    assert.equal(r?.cert?.not_after, '2021-01-01T00:00:00.000Z')
    assert.equal(r?.cert?.key_type, 'rsa')
    assert.equal(r?.cert?.key_bits, 1024)
    assert.equal(r?.cert?.serial, '1000')
    assert.equal(r?.cert?.self_signed, false)
    assert.match(r?.cert?.fingerprint ?? '', /^[0-9a-f]{64}$/)
    assert.equal(r?.chain.length, 1)
    assert.equal(r?.chain[0]?.self_signed, true)
    assert.equal(r?.chain[0]?.curve, 'prime256v1')
    const d = tlsModule.describe(r as never)
    assert.deepEqual(d.observations, [
      { key: 'x509.subject', value: 'O=Example Vendor,CN=IPC-1234' },
      { key: 'x509.issuer', value: 'CN=Example Device CA,O=Example Vendor\\, Ltd.' },
    ])
  } finally {
    await server.close()
  }
})

test('on 8883 the MQTT broker inside TLS is grabbed over the same handshake', async () => {
  const server = await tlsServer(8883, (s) => {
    s.once('data', () => s.write(Buffer.from([0x20, 2, 0, 5])))
  })
  try {
    const out = await grabOnce(tlsModule, server.target)
    assert.equal(out.status, 'success', out.error)
    assert.equal(out.result?.wrapped?.protocol, 'mqtt')
    assert.equal((out.result?.wrapped?.result as { anonymous?: boolean } | undefined)?.anonymous, false)
    assert.match(tlsModule.describe(out.result as never).banner, /MQTT 3\.1\.1 CONNACK 5/)
  } finally {
    await server.close()
  }
})

/** A hand-made TLS 1.2 ServerHello + Certificate message holding `certs` as they are. */
function helloWithCertificates(certs: Buffer[], claimedListLength?: number): Buffer {
  const u24 = (n: number) => Buffer.from([(n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff])
  const hs = (type: number, body: Buffer) => Buffer.concat([Buffer.from([type]), u24(body.length), body])
  const reneg = Buffer.from([0xff, 0x01, 0x00, 0x01, 0x00])
  const hello = hs(
    2,
    Buffer.concat([
      Buffer.from([3, 3]),
      Buffer.alloc(32, 7),
      Buffer.from([0, 0xc0, 0x2f, 0]),
      Buffer.from([0, reneg.length]),
      reneg,
    ]),
  )
  const list = Buffer.concat(certs.map((c) => Buffer.concat([u24(c.length), c])))
  const certificate = hs(11, Buffer.concat([u24(claimedListLength ?? list.length), list]))
  const payload = Buffer.concat([hello, certificate])
  const records: Buffer[] = []
  for (let i = 0; i < payload.length; i += 16384) {
    const part = payload.subarray(i, i + 16384)
    records.push(Buffer.from([0x16, 3, 3, part.length >> 8, part.length & 0xff]), part)
  }
  return Buffer.concat(records)
}

test('bad input: garbage DER, an enormous chain, plain text on the TLS port, silence', async () => {
  const garbage = await tcpPeer(IP, async (s) => {
    await s.receive((b) => b.length > 5)
    s.socket.write(helloWithCertificates([Buffer.from('this is not DER at all'), Buffer.alloc(40, 0x30)]))
  })
  const enormous = await tcpPeer(IP, async (s) => {
    await s.receive((b) => b.length > 5)
    s.socket.write(helloWithCertificates(Array.from({ length: 40 }, () => Buffer.alloc(8000, 0x30))))
  })
  const plain = await tcpPeer(IP, async (s) => {
    await s.receive((b) => b.length > 5)
    s.socket.end('HTTP/1.1 400 Bad Request\r\n\r\n')
  })
  const silent = await tcpPeer(IP, () => {})
  try {
    const g = await grabOnce(tlsModule, garbage.target)
    assert.equal(g.status, 'protocol-error', g.error)
    const e = await grabOnce(tlsModule, enormous.target, { readTimeoutMs: 1500 })
    assert.equal(e.status, 'protocol-error', e.error)
    const p = await grabOnce(tlsModule, plain.target)
    assert.equal(p.status, 'protocol-error', p.error)
    const q = await grabOnce(tlsModule, silent.target, { readTimeoutMs: 300 })
    assert.equal(q.status, 'io-timeout', q.error)
  } finally {
    await Promise.all([garbage.close(), enormous.close(), plain.close(), silent.close()])
  }
})

test('certificate parser: garbage and fuzzed DER give ProtocolError, never a crash', () => {
  assert.throws(() => describeCertificate(Buffer.from('nope')), { name: 'ProtocolError' })
  const good = Buffer.from(leaf.cert.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64')
  assert.equal(describeCertificate(good).subject_cn, 'IPC-1234')
  fuzz(
    5,
    400,
    (rng) => mutate(rng, good, 8, true),
    (mutated) => {
      const c = onlyProtocolError(() => describeCertificate(mutated))
      if (c) assert.equal(typeof c.fingerprint, 'string')
    },
  )
  assert.equal(distinguishedName('C=JP\nO=A\\, B\nCN=c'), 'CN=c,O=A\\, B,C=JP')
  // a looping issuer chain is cut
  const loop = { raw: good, fingerprint256: 'a' } as tls.DetailedPeerCertificate
  loop.issuerCertificate = loop
  assert.equal(chainDer(loop).length, 1)
})

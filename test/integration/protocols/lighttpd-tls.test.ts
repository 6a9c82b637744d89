import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'
import { tlsLayer } from '../../../src/grab/tls/tls-layer.js'
import type { HttpResult } from '../../../src/modules/http/result.js'
import { builtinModules } from '../../../src/modules/index.js'
import { grabOnce } from '../../../src/testing/protocol-peer.js'
import { have, scratch, startDaemon, waitForTcp } from './daemon.js'

// 8443: the tls module grabs the HTTP inside
const SERVER = { ip: '127.70.24.1', port: 8443, transport: 'tcp' as const }
const tlsModule = tlsLayer(builtinModules)
// Debian ships lighttpd's TLS in its own package, lighttpd-mod-openssl
const MOD_OPENSSL = '/usr/lib/lighttpd/mod_openssl.so'

test('real lighttpd with a self-signed certificate made by openssl: certificate, then HTTP inside', {
  skip:
    (!have('lighttpd') || !have('openssl') || !existsSync(MOD_OPENSSL)) &&
    'lighttpd, lighttpd-mod-openssl or openssl not installed',
}, async () => {
  const dir = scratch('lighttpd')
  chmodSync(dir, 0o755)
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      'key.pem',
      '-out',
      'cert.pem',
      '-days',
      '2',
      '-subj',
      '/C=JP/O=Mamori Test Camera Co./CN=ipcam.local',
    ],
    { cwd: dir, stdio: 'ignore' },
  )
  const docroot = join(dir, 'www')
  mkdirSync(docroot)
  writeFileSync(join(docroot, 'index.html'), '<html><head><title>Network Camera Login</title></head></html>')
  writeFileSync(
    join(dir, 'lighttpd.conf'),
    [
      `server.document-root = "${docroot}"`,
      `server.bind = "${SERVER.ip}"`,
      `server.port = ${SERVER.port}`,
      'server.modules += ( "mod_openssl" )',
      'ssl.engine = "enable"',
      `ssl.pemfile = "${join(dir, 'cert.pem')}"`,
      `ssl.privkey = "${join(dir, 'key.pem')}"`,
      `server.errorlog = "${join(dir, 'error.log')}"`,
      'server.tag = "lighttpd-mamori-test"',
      'index-file.names = ( "index.html" )',
      '',
    ].join('\n'),
  )
  const server = startDaemon('lighttpd', ['-D', '-f', join(dir, 'lighttpd.conf')], dir)
  try {
    await waitForTcp(SERVER.ip, SERVER.port)
    const out = await grabOnce(tlsModule, SERVER)
    assert.equal(out.status, 'success', `${out.error} ${server.output()}`)
    assert.equal(out.result?.cert?.subject, 'CN=ipcam.local,O=Mamori Test Camera Co.,C=JP')
    assert.equal(out.result?.cert?.self_signed, true)
    assert.equal(out.result?.cert?.key_bits, 2048)
    assert.equal(out.result?.cert?.expired, false)
    assert.match(out.result?.version ?? '', /^TLSv1\.[23]$/)
    assert.equal(out.result?.wrapped?.protocol, 'http')
    const http = out.result?.wrapped?.result as HttpResult | undefined
    assert.equal(http?.status_code, 200)
    assert.equal(http?.title, 'Network Camera Login')
    assert.equal(http?.server, 'lighttpd-mamori-test')
    const keys = tlsModule.describe(out.result as never).observations.map((o) => o.key)
    assert.ok(keys.includes('x509.subject') && keys.includes('http.server'), keys.join(','))
  } finally {
    await server.stop()
  }
})

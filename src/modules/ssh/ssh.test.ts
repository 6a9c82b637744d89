import assert from 'node:assert/strict'
import { generateKeyPairSync } from 'node:crypto'
import { after, before, test } from 'node:test'
import ssh2 from 'ssh2'
import { grabService } from '../../grab/grab-service.js'
import { startPeer } from '../../testing/tcp-peer.js'
import type { SshResult } from './result.js'
import { parseKexInitPacket } from './wire.js'

const { privateKey } = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  publicKeyEncoding: { type: 'pkcs1', format: 'pem' },
})
let server: ssh2.Server

before(async () => {
  server = new ssh2.Server({ hostKeys: [privateKey], ident: 'dropbear_2014.63' }, (client) => {
    client.on('error', () => {})
  })
  await new Promise<void>((resolve) => server.listen(22, '127.80.1.1', resolve))
})
after(() => new Promise<void>((resolve) => server.close(() => resolve())))

test('records the identification and the real KEXINIT algorithm lists of an ssh2 server', async () => {
  const record = await grabService({ ip: '127.80.1.1', port: 22, transport: 'tcp' }, { scanId: 't' })
  assert.equal(record.status, 'success')
  assert.equal(record.protocol, 'ssh')
  assert.equal(record.banner, 'SSH-2.0-dropbear_2014.63')
  const ssh = record.data.ssh as SshResult
  assert.equal(ssh.software, 'dropbear_2014.63')
  assert.ok(ssh.kexinit?.kex_algorithms.some((a) => a.startsWith('curve25519') || a.startsWith('ecdh')))
  assert.ok(ssh.kexinit?.host_key_algorithms.some((a) => a.includes('rsa')))
  assert.ok((ssh.kexinit?.ciphers_server_to_client.length ?? 0) > 0)
})

test('keeps the identification when the server never sends KEXINIT, and lines before it', async () => {
  const peer = await startPeer('127.80.1.2', 2222, (s) =>
    s.write('Please wait\r\nSSH-2.0-OpenSSH_7.4 Debian\r\n'),
  )
  try {
    const record = await grabService(
      { ip: peer.ip, port: peer.port, transport: 'tcp' },
      { scanId: 't', limits: { readTimeoutMs: 300 } },
    )
    const ssh = record.data.ssh as SshResult
    assert.equal(record.status, 'success')
    assert.equal(ssh.software, 'OpenSSH_7.4')
    assert.equal(ssh.comment, 'Debian')
    assert.equal(ssh.preamble, 'Please wait\r\n')
    assert.equal(ssh.kexinit, undefined)
  } finally {
    await peer.close()
  }
})

test('refuses absurd packet lengths and truncated name-lists', () => {
  const huge = Buffer.alloc(8)
  huge.writeUInt32BE(1 << 30, 0)
  assert.throws(() => parseKexInitPacket(huge), /out of bounds/)
  const payload = Buffer.concat([Buffer.from([20]), Buffer.alloc(16), Buffer.from([0, 0, 0, 99, 0x61])])
  const packet = Buffer.concat([Buffer.from([0, 0, 0, payload.length + 1, 0]), payload])
  assert.throws(() => parseKexInitPacket(packet), /overruns/)
})

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { coapModule } from '../../../src/modules/coap/index.js'
import { grabOnce } from '../../../src/testing/protocol-peer.js'
import { have, scratch, startDaemon } from './daemon.js'

const SERVER = { ip: '127.70.23.1', port: 15683, transport: 'udp' as const }

test('real libcoap server: /.well-known/core lists its resources', {
  skip: !have('coap-server-notls') && 'libcoap3-bin not installed',
}, async () => {
  const dir = scratch('coap')
  const server = startDaemon('coap-server-notls', ['-A', SERVER.ip, '-p', String(SERVER.port)], dir)
  try {
    let out = await grabOnce(coapModule, SERVER, {}, { timeoutMs: 200, retries: 1 })
    for (let i = 0; i < 20 && out.status === 'connection-refused'; i++) {
      await new Promise((r) => setTimeout(r, 100))
      out = await grabOnce(coapModule, SERVER, {}, { timeoutMs: 200, retries: 1 })
    }
    assert.equal(out.status, 'success', `${out.error} ${server.output()}`)
    assert.equal(out.result?.code, '2.05')
    const paths = out.result?.resources.map((r) => r.path) ?? []
    assert.ok(paths.includes('/time'), paths.join(','))
    assert.ok(paths.includes('/async'), paths.join(','))
  } finally {
    await server.stop()
  }
})

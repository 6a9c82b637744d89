import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { chmodSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'
import { mqttModule } from '../../../src/modules/mqtt/index.js'
import { grabOnce } from '../../../src/testing/protocol-peer.js'
import { have, scratch, startDaemon, waitForTcp } from './daemon.js'

// our own brokers on 127.70.20.x: the machine's broker on 127.0.0.1:1883 is never touched
const OPEN = { ip: '127.70.20.1', port: 18831 }
const CLOSED = { ip: '127.70.20.2', port: 18832 }

test('real mosquitto: anonymous broker is open with its version; password file broker is not', {
  skip: !have('mosquitto') && 'mosquitto not installed',
}, async () => {
  const openDir = scratch('mosq-open')
  writeFileSync(
    join(openDir, 'm.conf'),
    `listener ${OPEN.port} ${OPEN.ip}\nallow_anonymous true\npersistence false\n`,
  )
  const closedDir = scratch('mosq-closed')
  execFileSync('mosquitto_passwd', ['-b', '-c', join(closedDir, 'passwd'), 'camera', 'not-a-default'], {
    stdio: 'ignore',
  })
  // run as root, mosquitto drops to its own user: it must be able to read the file
  chmodSync(closedDir, 0o755)
  chmodSync(join(closedDir, 'passwd'), 0o644)
  writeFileSync(
    join(closedDir, 'm.conf'),
    `listener ${CLOSED.port} ${CLOSED.ip}\nallow_anonymous false\npassword_file ${join(closedDir, 'passwd')}\npersistence false\n`,
  )
  const open = startDaemon('mosquitto', ['-c', join(openDir, 'm.conf')], openDir)
  const closed = startDaemon('mosquitto', ['-c', join(closedDir, 'm.conf')], closedDir)
  try {
    await waitForTcp(OPEN.ip, OPEN.port)
    await waitForTcp(CLOSED.ip, CLOSED.port)
    const a = await grabOnce(mqttModule, { ...OPEN, transport: 'tcp' })
    assert.equal(a.status, 'success', `${a.error} ${open.output()}`)
    assert.equal(a.result?.anonymous, true)
    assert.equal(a.result?.v311?.code, 0)
    assert.equal(a.result?.v5?.code, 0)
    assert.match(a.result?.broker_version ?? '', /^mosquitto version \d+\.\d+/)
    const b = await grabOnce(mqttModule, { ...CLOSED, transport: 'tcp' })
    assert.equal(b.status, 'success', `${b.error} ${closed.output()}`)
    assert.equal(b.result?.anonymous, false)
    assert.equal(b.result?.v311?.code, 5)
    assert.equal(b.result?.v5?.code, 0x87) // MQTT 5: not authorized
    assert.equal(b.result?.broker_version, undefined)
  } finally {
    await Promise.all([open.stop(), closed.stop()])
  }
})

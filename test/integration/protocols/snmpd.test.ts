import assert from 'node:assert/strict'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'
import { snmpModule } from '../../../src/modules/snmp/index.js'
import { grabOnce } from '../../../src/testing/protocol-peer.js'
import { have, scratch, startDaemon } from './daemon.js'

const AGENT = { ip: '127.70.22.1', port: 16161, transport: 'udp' as const }
const DESCR = 'mamori test agent Linux armv7l'

/** snmpd answers on UDP only once it has read its config: poll with the module itself (bounded). */
async function grabWhenUp(credentialAudit: boolean) {
  for (let i = 0; i < 20; i++) {
    const out = await grabOnce(snmpModule, AGENT, {}, { timeoutMs: 200, retries: 1 }, { credentialAudit })
    if (out.status !== 'connection-refused') return out
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error('snmpd did not come up')
}

test('real snmpd: v3 discovery without credentials; public sysDescr only with credential audit', {
  skip: !have('snmpd') && 'snmpd not installed',
}, async () => {
  const dir = scratch('snmpd')
  const conf = join(dir, 'snmpd.conf')
  writeFileSync(
    conf,
    `rocommunity public 127.0.0.0/8\nsysDescr ${DESCR}\nsysObjectID .1.3.6.1.4.1.8072.3.2.10\n`,
  )
  // -C: only our config; -f: foreground (we keep the PID); -Lo: log to stdout
  const agent = startDaemon(
    'snmpd',
    ['-f', '-Lo', '-C', '-c', conf, '-p', join(dir, 'pid'), `udp:${AGENT.ip}:${AGENT.port}`],
    dir,
  )
  try {
    const quiet = await grabWhenUp(false)
    assert.equal(quiet.status, 'success', `${quiet.error} ${agent.output()}`)
    assert.equal(quiet.result?.answers, true)
    assert.equal(quiet.result?.engine?.enterprise, 8072) // Net-SNMP's enterprise number
    assert.equal(quiet.result?.sysdescr, undefined)
    const audited = await grabWhenUp(true)
    assert.equal(audited.status, 'success', audited.error)
    assert.equal(audited.result?.public_community, true)
    assert.equal(audited.result?.community_version, 'v2c')
    assert.equal(audited.result?.sysdescr, DESCR)
    assert.equal(audited.result?.sysobjectid, '1.3.6.1.4.1.8072.3.2.10')
  } finally {
    await agent.stop()
  }
})

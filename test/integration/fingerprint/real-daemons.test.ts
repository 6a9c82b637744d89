import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import { after, before, test } from 'node:test'
import { FingerprintEngine } from '../../../src/fingerprint/fingerprint-engine.js'
import { createFingerprintEnricher } from '../../../src/fingerprint/fingerprint-enricher.js'
import { DEFAULT_NMAP_PROBES } from '../../../src/fingerprint/nmap/load-nmap-probes.js'
import { grabService } from '../../../src/grab/grab-service.js'
import { sharedData } from '../../../src/testing/shared-data.js'
import { type RealDaemons, startRealDaemons } from './daemons.js'

// this file's loopback block: 127.40.4.0/24
let daemons: RealDaemons | undefined
// the daemons need root (sshd's privilege separation, vsftpd's secure_chroot_dir)
const root = process.getuid?.() === 0
before(async () => {
  if (!root) return
  daemons = await startRealDaemons('127.40.4')
  for (const s of daemons.skipped) console.log(`skipped ${s}`)
})
after(async () => {
  await daemons?.stop()
})

const engine = FingerprintEngine.load({
  recogDir: sharedData('recog'),
  ...(existsSync(DEFAULT_NMAP_PROBES) ? { nmapFile: DEFAULT_NMAP_PROBES } : {}),
})

/** Versions a banner does not carry: the product is all anyone can tell from the wire. */
const VERSION_NOT_ON_THE_WIRE = new Set(['busybox-telnetd'])

test('each real Debian daemon is named with the product and version it really is', {
  skip: !root && 'needs root',
}, async (t) => {
  if (!daemons || daemons.services.length === 0) {
    t.skip(`no daemon could start: ${daemons?.skipped.join('; ')}`)
    return
  }
  const enricher = createFingerprintEnricher(engine)
  for (const s of daemons.services) {
    const record = await grabService({ ip: s.ip, port: s.port, transport: 'tcp' }, { scanId: 'fp-real' })
    await enricher.enrich(record)
    const fp = record.fingerprint
    console.log(
      `${s.name}: ${fp?.product} ${fp?.version ?? ''} (${fp?.rule}); really ${s.product} ${s.version}`,
    )
    assert.equal(fp?.product, s.product, s.name)
    if (!VERSION_NOT_ON_THE_WIRE.has(s.name)) assert.equal(fp?.version, s.version, s.name)
    assert.ok(
      fp?.cpe.some((c) => c.startsWith('cpe:2.3:a:')),
      `${s.name} has an application CPE`,
    )
  }
})

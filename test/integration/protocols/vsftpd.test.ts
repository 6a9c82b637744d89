import assert from 'node:assert/strict'
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'
import { ftpModule } from '../../../src/modules/ftp/index.js'
import { grabOnce } from '../../../src/testing/protocol-peer.js'
import { have, scratch, startDaemon, waitForTcp } from './daemon.js'

const OPEN = { ip: '127.70.21.1', port: 2121 }
const CLOSED = { ip: '127.70.21.2', port: 2121 }

function config(dir: string, at: { ip: string; port: number }, anonymous: boolean): string {
  const root = join(dir, 'anon')
  mkdirSync(root)
  chmodSync(dir, 0o755)
  chmodSync(root, 0o555) // vsftpd refuses a writable anonymous root
  const file = join(dir, 'vsftpd.conf')
  writeFileSync(
    file,
    [
      'listen=YES',
      'listen_ipv6=NO',
      `listen_address=${at.ip}`,
      `listen_port=${at.port}`,
      'background=NO',
      `anonymous_enable=${anonymous ? 'YES' : 'NO'}`,
      // vsftpd refuses to start with both kinds of login disabled
      `local_enable=${anonymous ? 'NO' : 'YES'}`,
      'write_enable=NO',
      `anon_root=${root}`,
      'secure_chroot_dir=/var/run/vsftpd/empty',
      'seccomp_sandbox=NO',
      'ftpd_banner=mamori test FTP service',
      '',
    ].join('\n'),
  )
  chmodSync(file, 0o600)
  return file
}

test('real vsftpd: banner, FEAT, SYST and anonymous login allowed or refused', {
  skip: !have('vsftpd') && 'vsftpd not installed',
}, async () => {
  mkdirSync('/var/run/vsftpd/empty', { recursive: true })
  const openDir = scratch('vsftpd-open')
  const closedDir = scratch('vsftpd-closed')
  const open = startDaemon('vsftpd', [config(openDir, OPEN, true)], openDir)
  const closed = startDaemon('vsftpd', [config(closedDir, CLOSED, false)], closedDir)
  try {
    await waitForTcp(OPEN.ip, OPEN.port)
    await waitForTcp(CLOSED.ip, CLOSED.port)
    const a = await grabOnce(ftpModule, { ...OPEN, transport: 'tcp' })
    assert.equal(a.status, 'success', `${a.error} ${open.output()}`)
    assert.equal(a.result?.banner, 'mamori test FTP service')
    assert.equal(a.result?.banner_code, 220)
    assert.equal(a.result?.syst, undefined) // vsftpd answers SYST only after login (530 before)
    assert.ok(a.result?.features?.includes('EPSV'))
    assert.equal(a.result?.anonymous, true)
    const b = await grabOnce(ftpModule, { ...CLOSED, transport: 'tcp' })
    assert.equal(b.status, 'success', `${b.error} ${closed.output()}`)
    assert.equal(b.result?.anonymous, false)
    assert.match(b.result?.anonymous_reply ?? '', /^530/)
  } finally {
    await Promise.all([open.stop(), closed.stop()])
  }
})

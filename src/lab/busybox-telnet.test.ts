import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { startPeer, type TcpPeer } from '../testing/tcp-peer.js'
import { telnetDevice } from './telnet-device.js'
import { BUSYBOX_NEGOTIATION } from './telnet-input.js'
import { telnetService } from './testing/family-service.js'
import { TcpReader } from './testing/tcp-reader.js'

// BusyBox 1.35 telnet devices, byte for byte as the real telnetd + login + ash send them, over real
// TCP on 127.19.16.0/24.
const BANNER =
  "\r\n\r\nBusyBox v1.35.0 (Debian 1:1.35.0-4+deb12u1+b1) built-in shell (ash)\r\nEnter 'help' for a list of built-in commands.\r\n\r\n"
const CPR = '\x1b[6n'
const STRONG = { username: 'root', password: 'v9-Jq2.mXr8!kTz4' }

const typed = new Map<string, Buffer[]>()
const peers: TcpPeer[] = []
async function device(
  ip: string,
  spec: ReturnType<typeof telnetService>,
  credential?: { username: string; password: string },
) {
  typed.set(ip, [])
  const onPostLogin = (d: Buffer) => typed.get(ip)?.push(d)
  peers.push(await startPeer(ip, 23, telnetDevice({ spec, credential, onPostLogin })))
}
const postLogin = (ip: string) => Buffer.concat(typed.get(ip) ?? []).toString('latin1')

const OPEN_SHELL = '127.19.16.1'
const EMPTY_ROOT = '127.19.16.2'
const CHANGED_ROOT = '127.19.16.3'
const GENERIC_NEW = '127.19.16.4'

/** Connects and waits for the first prompt; `mark` is where the client's turn starts. */
async function connect(ip: string, prompt: string): Promise<{ c: TcpReader; greeting: string }> {
  const c = await TcpReader.connect(ip, 23)
  await c.waitFor(prompt)
  assert.deepEqual(c.received.subarray(0, BUSYBOX_NEGOTIATION.length), BUSYBOX_NEGOTIATION)
  return { c, greeting: c.received.subarray(BUSYBOX_NEGOTIATION.length).toString('latin1') }
}

describe('BusyBox 1.35 telnet devices', () => {
  before(async () => {
    await device(OPEN_SHELL, telnetService('busybox-open-shell'))
    const emptyRoot = telnetService('busybox-empty-root')
    await device(EMPTY_ROOT, emptyRoot, { username: 'root', password: '' })
    await device(CHANGED_ROOT, emptyRoot, STRONG)
    await device(GENERIC_NEW, telnetService('busybox-generic', 23, 'BusyBox v1.31.1'), {
      username: 'root',
      password: '',
    })
  })
  after(() => Promise.all(peers.map((p) => p.close())))

  it('telnetd -l /bin/sh: negotiation, ash banner and "/ # " ESC[6n at connect; input is only recorded', async () => {
    const { c, greeting } = await connect(OPEN_SHELL, CPR)
    assert.equal(greeting, `\r\r\n${BANNER}/ # ${CPR}`)
    const mark = c.received.length
    c.write('cat /etc/passwd\r\n')
    await c.waitFor(CPR, mark)
    // echo and a new prompt: nothing ran
    assert.equal(c.received.subarray(mark).toString('latin1'), `cat /etc/passwd\r\n/ # ${CPR}`)
    assert.equal(postLogin(OPEN_SHELL), 'cat /etc/passwd\r\n')
    c.destroy()
  })

  it('root with an empty password: the shell follows the user name, no password is asked', async () => {
    const { c, greeting } = await connect(EMPTY_ROOT, 'login: ')
    assert.equal(greeting, '\r\r\nIPCAM login: ')
    const mark = c.received.length
    c.write('root\r\n')
    await c.waitFor(CPR, mark)
    assert.equal(c.received.subarray(mark).toString('latin1'), `root\r\n${BANNER}~ # ${CPR}`)
    // a password sent now is typed into the root shell: recorded, never run
    c.write('xc3511\r\n')
    await c.until(() => postLogin(EMPTY_ROOT) === 'xc3511\r\n')
    assert.doesNotMatch(c.text, /Password/)
    c.destroy()
  })

  it('any other user is asked a password and refused after the pause, in BusyBox order', async () => {
    const { c } = await connect(EMPTY_ROOT, 'login: ')
    for (const user of ['admin', 'nobody']) {
      const mark = c.received.length
      c.write(`${user}\r\n`)
      await c.waitFor('Password: ', mark)
      assert.equal(c.received.subarray(mark).toString('latin1'), `${user}\r\nPassword: `)
      const sent = Date.now()
      const answer = c.received.length
      c.write('admin\r\n')
      await c.waitFor('login: ', answer)
      assert.ok(Date.now() - sent >= 290, `refused after ${Date.now() - sent} ms`)
      assert.equal(c.received.subarray(answer).toString('latin1'), '\r\nLogin incorrect\r\nIPCAM login: ')
    }
    c.destroy()
  })

  it('reads what was typed during the pause: a burst that ends with root gets the shell', async () => {
    const { c } = await connect(EMPTY_ROOT, 'login: ')
    const mark = c.received.length
    c.write('admin\r\nadmin\r\nroot\r\n')
    await c.waitFor(CPR, mark)
    assert.equal(
      c.received.subarray(mark).toString('latin1'),
      `admin\r\nPassword: \r\nLogin incorrect\r\nIPCAM login: root\r\n${BANNER}~ # ${CPR}`,
    )
    c.destroy()
  })

  it('hangs up after the third failure, as BusyBox login does', async () => {
    const { c } = await connect(EMPTY_ROOT, 'login: ')
    c.write('a\r\nx\r\nb\r\ny\r\nc\r\nz\r\n')
    await c.until((r) => r.closed, 5000)
    assert.equal(c.text.match(/Login incorrect/g)?.length, 3)
    assert.ok(c.text.endsWith('Login incorrect\r\n'))
  })

  it('the same device whose owner set a root password: an ordinary password login', async () => {
    const { c } = await connect(CHANGED_ROOT, 'login: ')
    c.write('root\r\n')
    await c.waitFor('Password: ')
    c.write('\r\n')
    await c.waitFor('Login incorrect')
    const mark = c.received.length
    c.write(`root\r\n${STRONG.password}\r\n`)
    await c.waitFor(CPR, mark)
    assert.equal(c.received.subarray(mark).toString('latin1'), `root\r\nPassword: \r\n${BANNER}~ # ${CPR}`)
    c.destroy()
  })

  it("busybox-generic: no password for root/'' either, and BusyBox 1.31 sends ESC[6n after its prompt", async () => {
    const { c } = await connect(GENERIC_NEW, 'login: ')
    c.write('root\r\n')
    await c.waitFor(CPR)
    assert.ok(c.text.endsWith(`# ${CPR}`))
    assert.doesNotMatch(c.text, /Password/)
    c.destroy()
    assert.equal(telnetService('busybox-generic', 2323, 'BusyBox v1.19.4').shell_prompt, '# ')
    assert.equal(telnetService('busybox-generic', 2323, 'BusyBox v1.31.1').shell_prompt, `# ${CPR}`)
  })
})

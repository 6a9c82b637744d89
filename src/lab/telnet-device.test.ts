import assert from 'node:assert/strict'
import net from 'node:net'
import { after, before, describe, it } from 'node:test'
import type { TelnetServiceSpec } from './family.js'
import { loadFamilies } from './load-families.js'
import { renderDeep } from './render-template.js'
import { serveTelnet } from './telnet-device.js'
import { BUSYBOX_NEGOTIATION, TelnetInput } from './telnet-input.js'
import { sleep, TcpReader } from './testing/tcp-reader.js'

// Telnet dialogue of a BusyBox device over real TCP on 127.19.11.0/24.
const IP = '127.19.11.1'
const PORT = 23
const credential = { username: 'root', password: 'xc3511' }
const busybox = loadFamilies().find((f) => f.id === 'busybox-generic')?.services[0] as TelnetServiceSpec
const spec = renderDeep(busybox, { busybox: '1.19.4', cpr: '', hostname: '(none)' })
const postLogin: Buffer[] = []
const sockets = new Set<net.Socket>()
const server = net.createServer((socket) => {
  sockets.add(socket)
  serveTelnet(socket, { spec, credential, onPostLogin: (d) => postLogin.push(d) })
})

async function loginPrompt(): Promise<TcpReader> {
  const c = await TcpReader.connect(IP, PORT)
  await c.waitFor('(none) login: ')
  return c
}

describe('telnet device', () => {
  before(() => new Promise<void>((resolve) => server.listen(PORT, IP, resolve)))
  after(() => {
    for (const s of sockets) s.destroy()
    return new Promise<void>((resolve) => server.close(() => resolve()))
  })

  it('negotiates like BusyBox telnetd, then prompts for a login', async () => {
    const c = await loginPrompt()
    assert.deepEqual(c.received.subarray(0, BUSYBOX_NEGOTIATION.length), BUSYBOX_NEGOTIATION)
    assert.equal(c.received.subarray(BUSYBOX_NEGOTIATION.length).toString('latin1'), '\r\n(none) login: ')
    c.destroy()
  })

  it('echoes the user name, not the password; a wrong password gets Login incorrect and a new prompt', async () => {
    const c = await loginPrompt()
    const start = c.received.length
    c.write('root\r\n')
    await c.waitFor('Password: ', start)
    assert.equal(c.received.subarray(start).toString('latin1'), 'root\r\nPassword: ')
    const mark = c.received.length
    c.write('wrong\r\n')
    await c.waitFor('login: ', mark)
    assert.equal(c.received.subarray(mark).toString('latin1'), '\r\nLogin incorrect\r\n(none) login: ')
    assert.equal(c.closed, false)
    c.destroy()
  })

  it('disconnects after three failures', async () => {
    const c = await loginPrompt()
    for (let i = 0; i < 3; i++) c.write(`admin\r\nguess${i}\r\n`)
    await c.until((r) => r.closed)
    assert.equal(c.text.match(/Login incorrect/g)?.length, 3)
    assert.ok(c.text.endsWith('Login incorrect\r\n'), 'no new prompt after the third failure')
  })

  it('gives a shell prompt for the right password and records, never runs, what follows', async () => {
    const c = await loginPrompt()
    // a Mirai-style client: everything in one burst, telnet option replies mixed in
    c.write(
      Buffer.concat([Buffer.from([255, 252, 1, 255, 251, 31]), Buffer.from('root\r\nxc3511\r\nenable\r\n')]),
    )
    await c.waitFor('# ', 0)
    await c.until((r) => (r.text.match(/# /g)?.length ?? 0) >= 2)
    assert.match(c.text, /BusyBox v1\.19\.4 built-in shell \(ash\)/)
    const mark = c.received.length
    c.write('/bin/busybox MIRAI\r\n')
    await c.waitFor('# ', mark)
    assert.equal(c.received.subarray(mark).toString('latin1'), '/bin/busybox MIRAI\r\n# ')
    assert.equal(Buffer.concat(postLogin).toString('latin1'), 'enable\r\n/bin/busybox MIRAI\r\n')
    c.destroy()
  })

  it('survives hostile input: an over-long line, a NUL after CR, backspaces, a split IAC', async () => {
    const c = await loginPrompt()
    c.write(`${'A'.repeat(5000)}\r\0`)
    await c.waitFor('Password: ')
    c.write('x\r\n')
    await c.waitFor('Login incorrect')
    const mark = c.received.length
    c.write('rooX\x7ft\r\n')
    await c.waitFor('Password: ', mark)
    c.write(Buffer.from([255]))
    await sleep(20)
    c.write(Buffer.concat([Buffer.from([253, 24]), Buffer.from('xc3511\r\n')]))
    await c.waitFor('# ', mark)
    c.destroy()
  })

  it('drops a client that floods the shell without reading the echo', async () => {
    const c = await loginPrompt()
    c.write('root\r\nxc3511\r\n')
    await c.waitFor('# ')
    c.socket.pause()
    const line = Buffer.from(`${'a'.repeat(254)}\r\n`)
    const block = Buffer.concat(Array.from({ length: 4096 }, () => line))
    // at most 64 MiB, stopping as soon as the device gives up
    for (let sent = 0; sent < 64 && !c.closed && !c.error; sent++) {
      if (!c.socket.write(block)) await new Promise((r) => setTimeout(r, 20))
    }
    await c.until((r) => r.closed || r.error !== undefined, 5000)
    c.destroy()
  })
})

describe('telnet input', () => {
  it('drops commands split across chunks and keeps IAC IAC as data', () => {
    const input = new TelnetInput()
    const a = input.feed(Buffer.from([0x61, 255]))
    const b = input.feed(Buffer.from([250, 24, 0, 0x78, 255, 240, 0x62, 255, 255, 255, 251]))
    const c = input.feed(Buffer.from([3, 0x63]))
    assert.deepEqual([...a, ...b, ...c], [0x61, 0x62, 255, 0x63])
  })
})

import assert from 'node:assert/strict'
import net from 'node:net'
import { after, before, describe, it } from 'node:test'
import ssh2 from 'ssh2'
import { sshDevice } from './ssh-device.js'
import { TcpReader } from './testing/tcp-reader.js'

// A dropbear-like device on 127.19.12.0/24, driven by the real ssh2 client.
const IP = '127.19.12.1'
const PORT = 22
const credential = { username: 'ubnt', password: 'ubnt' }
const sockets = new Set<net.Socket>()
const handle = sshDevice({
  spec: { protocol: 'ssh', port: PORT, software: 'dropbear_2014.63', defaults: [credential] },
  credential,
  hostKey: ssh2.utils.generateKeyPairSync('ecdsa', { bits: 256 }).private,
})
const server = net.createServer((socket) => {
  sockets.add(socket)
  socket.on('error', () => {})
  handle(socket)
})

function connect(password: string): Promise<ssh2.Client> {
  return new Promise((resolve, reject) => {
    const client = new ssh2.Client()
    client.once('ready', () => resolve(client))
    client.once('error', reject)
    client.connect({ host: IP, port: PORT, username: credential.username, password, readyTimeout: 5000 })
  })
}

describe('ssh device', () => {
  before(() => new Promise<void>((resolve) => server.listen(PORT, IP, resolve)))
  after(() => {
    for (const s of sockets) s.destroy()
    return new Promise<void>((resolve) => server.close(() => resolve()))
  })

  it('identifies itself as the real dropbear does', async () => {
    const c = await TcpReader.connect(IP, PORT)
    await c.waitFor('\r\n')
    assert.equal(c.text, 'SSH-2.0-dropbear_2014.63\r\n')
    c.destroy()
  })

  it('accepts the right password', async () => {
    const client = await connect('ubnt')
    client.end()
  })

  it('rejects a wrong password', async () => {
    await assert.rejects(connect('ubnt1'), /All configured authentication methods failed/)
  })

  it('never opens a shell or runs a command after login', async () => {
    const client = await connect('ubnt')
    const shell = new Promise<unknown>((resolve) => client.shell((err) => resolve(err)))
    assert.ok((await shell) instanceof Error)
    const exec = new Promise<unknown>((resolve) => client.exec('id', (err) => resolve(err)))
    assert.ok((await exec) instanceof Error)
    client.end()
  })

  it('drops a client that sends garbage instead of an identification line', async () => {
    const c = await TcpReader.connect(IP, PORT)
    c.write(Buffer.from('\x00\xff\xfe GET / HTTP/1.0\r\n\r\n'.repeat(50), 'latin1'))
    await c.until((r) => r.closed, 5000)
  })
})

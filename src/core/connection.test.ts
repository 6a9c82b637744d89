import assert from 'node:assert/strict'
import net from 'node:net'
import { test } from 'node:test'
import { Connection } from './connection.js'

// protocols block, this file's /24
const IP = '127.70.40.1'

/** Keeps the event loop busy, as a long garbage collection or a starved CPU does. */
function block(ms: number): void {
  const until = Date.now() + ms
  while (Date.now() < until) {}
}

/** Continues in the event loop's check phase: its next phase runs due timers before any socket event. */
const inCheckPhase = () => new Promise((r) => setImmediate(r))

async function withPeer(work: (conn: Connection, peer: net.Socket) => Promise<void>): Promise<void> {
  let peer: net.Socket | undefined
  const server = net.createServer((s) => {
    peer = s
  })
  await new Promise<void>((r) => server.listen(0, IP, () => r()))
  const port = (server.address() as net.AddressInfo).port
  const conn = await Connection.open({ ip: IP, port, transport: 'tcp' })
  try {
    for (let i = 0; i < 100 && !peer; i++) await new Promise((r) => setTimeout(r, 10))
    assert.ok(peer, 'the peer accepted')
    await work(conn, peer)
  } finally {
    conn.close()
    peer?.destroy()
    await new Promise((r) => server.close(r))
  }
}

test('a reply that came while the event loop was blocked is read, not called a timeout', async () => {
  await withPeer(async (conn, peer) => {
    peer.write('192.0.0.64 login: ')
    await inCheckPhase()
    const reading = conn.read(50)
    block(300)
    assert.equal((await reading).toString(), '192.0.0.64 login: ')
  })
})

test('a read with nothing to come still times out after a blocked event loop', async () => {
  await withPeer(async (conn) => {
    await inCheckPhase()
    const reading = conn.read(50)
    block(300)
    await assert.rejects(reading, /no complete reply within 50 ms/)
  })
})

test('a connect answered while the event loop was blocked succeeds', async () => {
  const server = net.createServer((s) => s.end())
  await new Promise<void>((r) => server.listen(0, IP, () => r()))
  const port = (server.address() as net.AddressInfo).port
  try {
    await inCheckPhase()
    const opening = Connection.open(
      { ip: IP, port, transport: 'tcp' },
      {
        connectTimeoutMs: 50,
        readTimeoutMs: 50,
        deadlineMs: 1000,
        maxBytes: 1024,
      },
    )
    block(300)
    const conn = await opening
    conn.close()
  } finally {
    await new Promise((r) => server.close(r))
  }
})

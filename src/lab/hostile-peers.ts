import type net from 'node:net'
import { SeededRandom } from './seeded-random.js'
import { BUSYBOX_NEGOTIATION } from './telnet-input.js'

/**
 * Peers that misbehave on purpose, for the scanner's bad-input tests (`mamori lab --hostile`). Each
 * runs on an address of its own and is listed in the truth as `family: hostile-*`. Every one of them
 * is bounded in bytes and time, and `stop()` ends them all.
 */
export interface HostilePeer {
  family: string
  port: number
  protocol: string
  description: string
  /** The peer keeps its read side open after sending FIN. */
  allowHalfOpen?: boolean
  serve(socket: net.Socket): void
}

export const HUGE_BANNER_BYTES = 10 * 1024 * 1024
const IAC_FLOOD_BYTES = 16 * 1024 * 1024
export const GARBAGE_BYTES = 64 * 1024
export const TRICKLE_TEXT = `\r\n${'BusyBox v1.19.4 (2013-03-21 11:02:07 CST) built-in shell (ash) '.repeat(4)}\r\n(none) login: `

export const HOSTILE_PEERS: readonly HostilePeer[] = [
  {
    family: 'hostile-huge-banner',
    port: 23,
    protocol: 'telnet',
    description: 'sends a 10 MiB banner, then a login prompt, then closes',
    serve(socket) {
      const line = Buffer.from(
        'Welcome to the embedded device management console. '.repeat(20).concat('\r\n'),
      )
      void pump(socket, HUGE_BANNER_BYTES, () => line).then((ok) => ok && socket.end('\r\n(none) login: '))
    },
  },
  {
    family: 'hostile-trickle',
    port: 23,
    protocol: 'telnet',
    description: `sends its banner one byte per second (${TRICKLE_TEXT.length} s in all), then closes`,
    serve(socket) {
      let sent = 0
      const timer = setInterval(() => {
        if (sent >= TRICKLE_TEXT.length) {
          clearInterval(timer)
          socket.end()
          return
        }
        socket.write(TRICKLE_TEXT[sent++] as string, 'latin1')
      }, 1000)
      socket.once('close', () => clearInterval(timer))
    },
  },
  {
    family: 'hostile-never-close',
    port: 23,
    protocol: 'telnet',
    description: 'negotiates and prompts like BusyBox, then reads forever without a reply and never closes',
    serve(socket) {
      socket.write(Buffer.concat([BUSYBOX_NEGOTIATION, Buffer.from('\r\n(none) login: ')]))
      socket.resume()
    },
  },
  {
    family: 'hostile-garbage',
    port: 80,
    protocol: 'http',
    description: `answers with ${GARBAGE_BYTES / 1024} KiB of binary garbage (fixed seed), then closes`,
    serve(socket) {
      socket.end(garbage())
    },
  },
  {
    family: 'hostile-iac-flood',
    port: 23,
    protocol: 'telnet',
    description: `sends telnet option negotiations only (IAC DO/WILL/WONT/DONT/SB), ${IAC_FLOOD_BYTES / 1048576} MiB, never a prompt`,
    serve(socket) {
      const chunk = iacFloodChunk()
      void pump(socket, IAC_FLOOD_BYTES, () => chunk).then((ok) => ok && socket.end())
    },
  },
  {
    family: 'hostile-reset',
    port: 22,
    protocol: 'ssh',
    description: 'sends the start of an SSH identification line, then resets the connection (RST)',
    serve(socket) {
      socket.write('SSH-2.0-OpenSS')
      const timer = setTimeout(() => socket.resetAndDestroy(), 50)
      socket.once('close', () => clearTimeout(timer))
    },
  },
  {
    family: 'hostile-half-open',
    port: 80,
    protocol: 'http',
    description: 'sends a partial HTTP status line and half-closes (FIN) but keeps reading and never closes',
    allowHalfOpen: true,
    serve(socket) {
      socket.end('HTTP/1.1 200 OK\r\nServer: half')
      socket.resume()
    },
  },
  {
    family: 'hostile-silent',
    port: 23,
    protocol: 'telnet',
    description: 'accepts the connection, never sends a byte and never closes',
    serve(socket) {
      socket.resume()
    },
  },
]

/** Writes `total` bytes from `next()` chunks, waiting for drain; false when the client went away. */
async function pump(socket: net.Socket, total: number, next: () => Buffer): Promise<boolean> {
  let sent = 0
  while (sent < total) {
    if (socket.destroyed) return false
    const chunk = next().subarray(0, total - sent)
    sent += chunk.length
    if (!socket.write(chunk)) {
      const drained = await new Promise<boolean>((resolve) => {
        const done = (ok: boolean) => () => {
          socket.off('drain', onDrain)
          socket.off('close', onClose)
          resolve(ok)
        }
        const onDrain = done(true)
        const onClose = done(false)
        socket.once('drain', onDrain)
        socket.once('close', onClose)
      })
      if (!drained) return false
    }
  }
  return true
}

let garbageBytes: Buffer | undefined
function garbage(): Buffer {
  if (!garbageBytes) {
    const random = new SeededRandom(0x6a7b)
    garbageBytes = Buffer.alloc(GARBAGE_BYTES)
    for (let i = 0; i < GARBAGE_BYTES; i++) garbageBytes[i] = random.int(256)
  }
  return garbageBytes
}

function iacFloodChunk(): Buffer {
  const parts: number[] = []
  for (let option = 0; option < 256 && parts.length < 60_000; option++) {
    parts.push(255, 253, option, 255, 251, option, 255, 252, option, 255, 254, option)
    parts.push(255, 250, option, 1, 2, 3, 255, 240)
  }
  return Buffer.from(parts)
}

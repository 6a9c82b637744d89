import assert from 'node:assert/strict'
import type net from 'node:net'
import { type ConnectionLimits, DEFAULT_LIMITS } from '../core/connection.js'
import type { GrabOutcome, ProtocolModule } from '../core/protocol-module.js'
import { SCAN_STATUSES } from '../core/scan-status.js'
import type { Target } from '../core/target.js'
import { DEFAULT_UDP_LIMITS, type UdpLimits } from '../core/udp.js'
import { SeededRandom } from '../lab/seeded-random.js'
import { grabOnce } from './protocol-peer.js'

/** Tight limits, so a peer that never stops ends a grab within seconds. */
const LIMITS: ConnectionLimits = {
  ...DEFAULT_LIMITS,
  connectTimeoutMs: 1000,
  readTimeoutMs: 300,
  deadlineMs: 2000,
  maxBytes: 16 * 1024,
}
const UDP_LIMITS: UdpLimits = { ...DEFAULT_UDP_LIMITS, timeoutMs: 300, retries: 0 }

/** Bytes that are not UTF-8: a lone continuation, overlong forms, a surrogate, 0xFE/0xFF. */
const INVALID_UTF8 = Buffer.from([
  0x80, 0xc0, 0xaf, 0xc3, 0x28, 0xe2, 0x28, 0xa1, 0xed, 0xa0, 0x80, 0xff, 0xfe,
])

/** One way a peer misbehaves: what it does on a TCP connection, and with a UDP request. */
export interface HostileCase {
  name: string
  tcp(socket: net.Socket, rng: SeededRandom): void
  udp?(request: Buffer, send: (data: Buffer) => void, rng: SeededRandom): void
}

const randomBytes = (rng: SeededRandom, n: number) =>
  Buffer.from(Array.from({ length: n }, () => rng.int(256)))

/** Answers each of the client's first `times` writes (and the connect) with `reply()`, then closes. */
function answering(reply: (rng: SeededRandom) => Buffer, times = 8): HostileCase['tcp'] {
  return (socket, rng) => {
    let left = times
    socket.write(reply(rng))
    socket.on('data', () => {
      if (--left > 0) socket.write(reply(rng))
      else socket.end()
    })
  }
}

/** Writes `chunk()` as fast as the client reads, `total` bytes at most. */
function flood(chunk: () => Buffer, total: number): HostileCase['tcp'] {
  return (socket) => {
    let sent = 0
    const pump = () => {
      while (sent < total && !socket.destroyed) {
        const c = chunk()
        sent += c.length
        if (!socket.write(c)) return void socket.once('drain', pump)
      }
      socket.end()
    }
    pump()
  }
}

export const HOSTILE_CASES: readonly HostileCase[] = [
  {
    name: 'garbage',
    tcp: answering((rng) => randomBytes(rng, 1 + rng.int(512))),
    udp: (_r, send, rng) => send(randomBytes(rng, 1 + rng.int(512))),
  },
  { name: 'early EOF', tcp: (socket) => socket.end() },
  { name: 'EOF after the request', tcp: (socket) => socket.once('data', () => socket.end()) },
  { name: 'silence', tcp: () => {}, udp: () => {} },
  {
    name: 'trickle',
    // a byte every 20 ms: every read gets something, so only the deadline ends it
    tcp(socket, rng) {
      let sent = 0
      const timer = setInterval(() => {
        if (sent++ >= 400 || socket.destroyed) {
          clearInterval(timer)
          socket.end()
        } else socket.write(rng.string(1, 'abcdefghijklmnop :\r\n0123456789'))
      }, 20)
      socket.once('close', () => clearInterval(timer))
    },
  },
  {
    name: 'oversized reply',
    tcp: flood(() => Buffer.alloc(16 * 1024, 'A'), 1024 * 1024),
    udp: (_r, send) => send(Buffer.alloc(60_000, 'A')),
  },
  {
    name: 'invalid UTF-8',
    tcp: answering(() =>
      Buffer.concat([...Array.from({ length: 16 }, () => INVALID_UTF8), Buffer.from('\r\n')]),
    ),
    udp: (_r, send) => send(Buffer.concat(Array.from({ length: 32 }, () => INVALID_UTF8))),
  },
]

/** Hands out addresses of one /16 in order, so every peer of a suite has its own. */
export class AddressBlock {
  #next = 0
  constructor(private readonly prefix: string) {}
  next(): string {
    const n = this.#next++
    return `${this.prefix}.${2 + Math.floor(n / 250)}.${1 + (n % 250)}`
  }
}

/** What a grab talks to: where it is, and how many connections (or UDP requests) it has had. */
export interface Counted {
  target: Target
  readonly connections: number
}

/** Every string anywhere in a value. */
function* strings(value: unknown): Generator<string> {
  if (typeof value === 'string') yield value
  else if (Array.isArray(value)) for (const v of value) yield* strings(v)
  else if (value && typeof value === 'object') for (const v of Object.values(value)) yield* strings(v)
}

// what printable() lets through is tab, CR and LF; everything else below 0x20 and C1 are escaped
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it looks for
const RAW_CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/

/**
 * What every grab must give, whatever the peer did: a typed status, a result whose size does not
 * grow with what the peer sent, device text escaped, a description and nmap response that do not
 * throw and use only declared match keys, and an end within the deadline of each connection.
 */
function assertConforms<R>(
  module: ProtocolModule<R>,
  outcome: GrabOutcome<R>,
  run: { elapsedMs: number; connections: number; what: string },
): void {
  const where = `${module.name}, ${run.what}`
  assert.ok(SCAN_STATUSES.includes(outcome.status), `${where}: status ${outcome.status}`)
  assert.ok(outcome.result !== undefined, `${where}: no result`)
  const result = outcome.result as R
  const size = JSON.stringify(result).length
  const bound = 8 * LIMITS.maxBytes * Math.max(1, run.connections) + 16 * 1024
  assert.ok(size <= bound, `${where}: result of ${size} characters (bound ${bound})`)
  for (const s of strings(result))
    assert.doesNotMatch(s, RAW_CONTROL, `${where}: unescaped control character in ${JSON.stringify(s)}`)
  const { banner, observations } = module.describe(result)
  assert.equal(typeof banner, 'string', where)
  for (const o of observations) {
    assert.ok(module.matchKeys.includes(o.key), `${where}: describe() emits undeclared key ${o.key}`)
    assert.equal(typeof o.value, 'string', `${where}: ${o.key}`)
  }
  const nmap = module.nmapResponse?.(result, banner)
  if (nmap) assert.equal(typeof nmap.text, 'string', where)
  const allowed = LIMITS.deadlineMs * Math.max(1, run.connections) + LIMITS.connectTimeoutMs + 1500
  assert.ok(run.elapsedMs <= allowed, `${where}: took ${run.elapsedMs} ms (allowed ${allowed})`)
}

/** Grabs `target` with `module` under the suite's limits, and checks the outcome conforms. */
export async function grabConforming<R>(
  module: ProtocolModule<R>,
  peer: Counted,
  what: string,
): Promise<GrabOutcome<R>> {
  const started = Date.now()
  const before = peer.connections
  const outcome = await grabOnce(module, peer.target, LIMITS, UDP_LIMITS, { credentialAudit: true })
  const connections = peer.connections - before
  assertConforms(module, outcome, { elapsedMs: Date.now() - started, connections, what })
  return outcome
}

/** A seeded generator per case, so a failure replays. */
export function caseRandom(moduleName: string, caseName: string): SeededRandom {
  let seed = 0
  for (const ch of `${moduleName}/${caseName}`) seed = (Math.imul(seed, 31) + ch.charCodeAt(0)) >>> 0
  return new SeededRandom(seed)
}

import dgram from 'node:dgram'
import { IoTimeoutError } from './scan-status.js'
import type { Target } from './target.js'
import { Wakeup } from './wakeup.js'

/** Bounds the framework puts on every UDP exchange, whatever the module does. */
export interface UdpLimits {
  /** How long to wait for the first reply to one transmission before sending again. */
  timeoutMs: number
  /** How many times a request is sent again after silence (UDP loses datagrams). */
  retries: number
  /** Bytes kept from one datagram; the rest is cut (defeats amplification-shaped replies). */
  maxDatagramBytes: number
  /** Datagrams kept per request; later ones are counted and dropped. */
  maxReplies: number
  /** Bytes kept over the whole exchange. */
  maxTotalBytes: number
}

export const DEFAULT_UDP_LIMITS: UdpLimits = {
  timeoutMs: 1000,
  retries: 2,
  maxDatagramBytes: 8 * 1024,
  maxReplies: 16,
  maxTotalBytes: 64 * 1024,
}

export interface UdpReply {
  data: Buffer
  /** The datagram was longer than `maxDatagramBytes`. */
  truncated: boolean
}

export interface UdpRequestOptions {
  /** After the first reply, keep listening this long for more (SSDP answers once per service). */
  lingerMs?: number
  /** Stop listening as soon as the replies so far are enough. */
  done?: (replies: readonly UdpReply[]) => boolean
}

function isLoopback(ip: string): boolean {
  return ip.startsWith('127.')
}

/**
 * A UDP exchange with one target owned by the framework: sends, retransmits on silence a bounded
 * number of times, bounds what it keeps, and accepts datagrams only from the target's address and
 * port (the socket is connected, and each sender is checked again; others are counted in `dropped`).
 * An ICMP port-unreachable answer surfaces as ECONNREFUSED.
 */
export class UdpExchange {
  readonly target: Target
  readonly limits: UdpLimits
  /** Datagrams from anyone but the target, or past `maxReplies`/`maxTotalBytes`. */
  dropped = 0
  /** How many datagrams we sent, retransmits included. */
  sent = 0
  private readonly socket: dgram.Socket
  private inbox: UdpReply[] = []
  private kept = 0
  private failure: Error | undefined
  private readonly wakeup = new Wakeup()
  private closed = false

  private constructor(socket: dgram.Socket, target: Target, limits: UdpLimits) {
    this.socket = socket
    this.target = target
    this.limits = limits
    socket.on('message', (msg, rinfo) => this.onMessage(msg, rinfo))
    socket.on('error', (err) => {
      this.failure ??= err
      this.wakeup.notify()
    })
  }

  /** A socket bound on loopback for loopback targets (never the wildcard address) and connected to the target. */
  static open(target: Target, limits: Partial<UdpLimits> = {}): Promise<UdpExchange> {
    const all = { ...DEFAULT_UDP_LIMITS, ...limits }
    return new Promise((resolve, reject) => {
      const socket = dgram.createSocket('udp4')
      socket.once('error', reject)
      const connect = () =>
        socket.connect(target.port, target.ip, () => {
          socket.removeListener('error', reject)
          resolve(new UdpExchange(socket, target, all))
        })
      if (isLoopback(target.ip)) socket.bind(0, target.ip, connect)
      else connect()
    })
  }

  /**
   * Sends `payload`, sending it again after each silent `timeoutMs` up to `retries` times, and
   * returns the replies (at least one). Throws IoTimeoutError when none came, or the socket error.
   */
  async request(payload: Buffer, options: UdpRequestOptions = {}): Promise<UdpReply[]> {
    this.inbox = []
    this.failure = undefined
    for (let attempt = 0; attempt <= this.limits.retries; attempt++) {
      await this.send(payload)
      const deadline = Date.now() + this.limits.timeoutMs
      while (this.inbox.length === 0 && !this.failure) {
        const left = deadline - Date.now()
        if (left <= 0 || !(await this.waitForReply(left))) break
      }
      if (this.failure) throw this.failure
      if (this.inbox.length > 0) break
    }
    if (this.inbox.length === 0) {
      throw new IoTimeoutError(
        `no UDP reply after ${this.limits.retries + 1} sends of ${this.limits.timeoutMs} ms`,
      )
    }
    const linger = Date.now() + (options.lingerMs ?? 0)
    while (!options.done?.(this.inbox) && this.inbox.length < this.limits.maxReplies) {
      const left = linger - Date.now()
      if (left <= 0 || !(await this.waitForReply(left))) break
    }
    return this.inbox
  }

  close(): void {
    if (this.closed) return
    this.closed = true
    this.socket.close()
    this.wakeup.notify()
  }

  private send(payload: Buffer): Promise<void> {
    this.sent++
    return new Promise((resolve, reject) =>
      this.socket.send(payload, (err) => (err ? reject(err) : resolve())),
    )
  }

  private onMessage(msg: Buffer, rinfo: dgram.RemoteInfo): void {
    const fromTarget = rinfo.address === this.target.ip && rinfo.port === this.target.port
    if (
      !fromTarget ||
      this.inbox.length >= this.limits.maxReplies ||
      this.kept >= this.limits.maxTotalBytes
    ) {
      this.dropped++
      return
    }
    const room = Math.min(this.limits.maxDatagramBytes, this.limits.maxTotalBytes - this.kept)
    const data = Buffer.from(msg.subarray(0, room))
    this.kept += data.length
    this.inbox.push({ data, truncated: msg.length > data.length })
    this.wakeup.notify()
  }

  private waitForReply(ms: number): Promise<boolean> {
    if (this.closed) return Promise.resolve(false)
    return this.wakeup.wait(ms)
  }
}

import net from 'node:net'
import tls from 'node:tls'
import { afterPendingIo } from './after-pending-io.js'
import { DeadlineError, IoTimeoutError } from './scan-status.js'
import type { Target } from './target.js'
import { Wakeup } from './wakeup.js'

/** Bounds the framework puts on every connection, whatever the module does. */
export interface ConnectionLimits {
  /** How long a TCP connect may take. */
  connectTimeoutMs: number
  /** How long one read may wait for the next bytes. */
  readTimeoutMs: number
  /** How long the whole exchange may last, from connect to close (defeats trickling peers). */
  deadlineMs: number
  /** How many bytes are kept from the peer; past that the connection is closed (defeats floods). */
  maxBytes: number
}

export const DEFAULT_LIMITS: ConnectionLimits = {
  connectTimeoutMs: 3000,
  readTimeoutMs: 2000,
  deadlineMs: 10_000,
  maxBytes: 64 * 1024,
}

/**
 * A TCP connection owned by the framework. Modules read and write through it; it keeps every byte
 * received (up to `maxBytes`) so a partial result survives any failure, and it enforces the limits.
 * Reads advance a cursor over the received bytes, so bytes seen by one reader (the protocol
 * detector) can still be read by the next (the module).
 */
export class Connection {
  readonly target: Target
  readonly limits: ConnectionLimits
  /** The peer sent more than `maxBytes`; the rest was not read. */
  truncated = false
  /** The deadline passed and the connection was closed by us. */
  deadlineHit = false
  /** Our end of the connection, kept from connect time (evidence names source and destination). */
  readonly local: { ip: string; port: number }
  private socket: net.Socket
  private buffer: Buffer = Buffer.alloc(0)
  private cursor = 0
  private ended = false
  private failure: Error | undefined
  private readonly wakeup = new Wakeup()
  private readonly deadlineTimer: NodeJS.Timeout

  private constructor(socket: net.Socket, target: Target, limits: ConnectionLimits) {
    this.socket = socket
    this.target = target
    this.limits = limits
    this.local = { ip: socket.localAddress ?? '', port: socket.localPort ?? 0 }
    this.attach(socket)
    this.deadlineTimer = setTimeout(() => {
      this.deadlineHit = true
      this.close()
    }, limits.deadlineMs)
    this.deadlineTimer.unref()
  }

  /** Connects, or rejects with the socket error (ECONNREFUSED ...) or an IoTimeoutError. */
  static open(target: Target, limits: ConnectionLimits = DEFAULT_LIMITS): Promise<Connection> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host: target.ip, port: target.port, noDelay: true })
      let connected = false
      const timer = afterPendingIo(limits.connectTimeoutMs, () => {
        if (connected) return
        socket.destroy()
        reject(new IoTimeoutError(`connect to ${target.ip}:${target.port} timed out`))
      })
      socket.once('connect', () => {
        connected = true
        clearTimeout(timer)
        socket.removeAllListeners('error')
        resolve(new Connection(socket, target, limits))
      })
      socket.once('error', (err) => {
        clearTimeout(timer)
        socket.destroy()
        reject(err)
      })
    })
  }

  /** Every byte received so far (at most `maxBytes`). */
  get received(): Buffer {
    return this.buffer
  }

  /** Bytes received but not yet read. */
  get unread(): Buffer {
    return this.buffer.subarray(this.cursor)
  }

  /** The peer closed, the connection failed, or we closed it. */
  get isEnded(): boolean {
    return this.ended
  }

  get error(): Error | undefined {
    return this.failure
  }

  /**
   * Waits until `done(unread)` holds, or the peer closes, or the byte limit is reached; returns the
   * unread bytes and moves the cursor past them. Throws IoTimeoutError when `timeoutMs` passes
   * first (the bytes stay in `received`).
   */
  async readUntil(done: (unread: Buffer) => boolean, timeoutMs = this.limits.readTimeoutMs): Promise<Buffer> {
    const started = Date.now()
    while (!done(this.unread) && !this.ended) {
      if (this.deadlineHit) break
      const left = timeoutMs - (Date.now() - started)
      // even when the time is up, bytes that came during a blocked event loop still count
      if (!(await this.wakeup.wait(Math.max(0, left)))) {
        throw new IoTimeoutError(`no complete reply within ${timeoutMs} ms`)
      }
    }
    if (this.deadlineHit && !done(this.unread)) {
      throw new DeadlineError(`exchange exceeded its ${this.limits.deadlineMs} ms deadline`)
    }
    return this.take()
  }

  /** Returns the next bytes that arrive (or those already unread); an empty buffer at end of stream. */
  read(timeoutMs = this.limits.readTimeoutMs): Promise<Buffer> {
    return this.readUntil((b) => b.length > 0, timeoutMs)
  }

  /** Collects whatever arrives within `ms` (or until close) without failing on silence. */
  async readFor(ms: number): Promise<Buffer> {
    const started = Date.now()
    while (!this.ended) {
      const left = ms - (Date.now() - started)
      if (left <= 0) break
      await this.wakeup.wait(left)
    }
    return this.take()
  }

  /** Lets the next reader see every byte from the start again (the detector peeked, the module reads). */
  rewind(): void {
    this.cursor = 0
  }

  /**
   * Upgrades the connection to TLS in place (a TLS port, or after a STARTTLS-like command) and
   * resolves with the TLS socket once the handshake is done; a failed handshake closes the connection.
   * Certificates are never validated here: a scanner records broken and expired ones. From then on
   * reads return the decrypted stream, counted against `maxBytes` from zero; the deadline still holds.
   */
  async startTls(
    options: tls.ConnectionOptions = {},
    timeoutMs = this.limits.readTimeoutMs,
  ): Promise<tls.TLSSocket> {
    if (this.ended) throw this.failure ?? new Error('connection closed')
    const raw = this.socket
    for (const event of ['data', 'end', 'close', 'error']) raw.removeAllListeners(event)
    raw.on('error', () => {}) // surfaces on the TLS socket
    const secure = tls.connect({ rejectUnauthorized: false, ...options, socket: raw })
    this.socket = secure
    this.buffer = Buffer.alloc(0)
    this.cursor = 0
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new IoTimeoutError(`TLS handshake not done within ${timeoutMs} ms`)),
          timeoutMs,
        )
        secure.once('secureConnect', () => {
          clearTimeout(timer)
          secure.removeAllListeners('error')
          resolve()
        })
        secure.once('error', (err) => {
          clearTimeout(timer)
          reject(err)
        })
        raw.once('close', () => reject(new Error('connection closed during the TLS handshake')))
      })
    } catch (err) {
      secure.on('error', () => {})
      this.failure ??= err as Error
      this.finish()
      throw err
    }
    this.attach(secure)
    return secure
  }

  write(data: Buffer | string): Promise<void> {
    if (this.ended) return Promise.reject(this.failure ?? new Error('connection closed'))
    return new Promise((resolve, reject) => {
      this.socket.write(data, (err) => (err ? reject(err) : resolve()))
    })
  }

  close(): void {
    this.socket.destroy()
    this.finish()
  }

  private attach(socket: net.Socket): void {
    socket.on('data', (chunk: Buffer) => this.onData(chunk))
    socket.on('end', () => this.finish())
    socket.on('close', () => this.finish())
    socket.on('error', (err) => {
      this.failure ??= err
      this.finish()
    })
  }

  private take(): Buffer {
    const out = this.unread
    this.cursor = this.buffer.length
    return out
  }

  private onData(chunk: Buffer): void {
    const room = this.limits.maxBytes - this.buffer.length
    if (chunk.length > room) {
      this.buffer = Buffer.concat([this.buffer, chunk.subarray(0, Math.max(0, room))])
      this.truncated = true
      this.close()
    } else {
      this.buffer = Buffer.concat([this.buffer, chunk])
    }
    this.wakeup.notify()
  }

  private finish(): void {
    if (this.ended) return
    this.ended = true
    clearTimeout(this.deadlineTimer)
    this.socket.destroy()
    this.wakeup.notify()
  }
}

import net from 'node:net'

/**
 * A raw TCP client for the lab's tests: collects what the peer sends and waits for a pattern,
 * for the close, or for a quiet period. Everything is bounded by a timeout.
 */
export class TcpReader {
  readonly socket: net.Socket
  received: Buffer = Buffer.alloc(0)
  ended = false
  closed = false
  error: NodeJS.ErrnoException | undefined
  #waiters = new Set<() => void>()

  private constructor(socket: net.Socket) {
    this.socket = socket
    socket.on('data', (d: Buffer) => {
      this.received = Buffer.concat([this.received, d])
      this.#wake()
    })
    socket.on('end', () => {
      this.ended = true
      this.#wake()
    })
    socket.on('close', () => {
      this.closed = true
      this.#wake()
    })
    socket.on('error', (err) => {
      this.error = err
      this.#wake()
    })
  }

  static connect(ip: string, port: number, options: { allowHalfOpen?: boolean } = {}): Promise<TcpReader> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host: ip, port, allowHalfOpen: options.allowHalfOpen ?? false })
      socket.once('connect', () => resolve(new TcpReader(socket)))
      socket.once('error', reject)
    })
  }

  get text(): string {
    return this.received.toString('latin1')
  }

  /** Resolves once `done()` holds; rejects after `timeoutMs` with what was received so far. */
  until(done: (r: TcpReader) => boolean, timeoutMs = 3000): Promise<void> {
    if (done(this)) return Promise.resolve()
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!done(this)) return
        clearTimeout(timer)
        this.#waiters.delete(check)
        resolve()
      }
      const timer = setTimeout(() => {
        this.#waiters.delete(check)
        reject(new Error(`timed out; received ${JSON.stringify(this.text.slice(-200))}`))
      }, timeoutMs)
      this.#waiters.add(check)
    })
  }

  /** Waits until the received text (from byte `from`) contains `needle`. */
  waitFor(needle: string, from = 0, timeoutMs = 3000): Promise<void> {
    return this.until((r) => r.text.indexOf(needle, from) >= 0, timeoutMs)
  }

  write(data: string | Buffer): void {
    this.socket.write(typeof data === 'string' ? Buffer.from(data, 'latin1') : data)
  }

  destroy(): void {
    this.socket.destroy()
  }

  #wake(): void {
    for (const w of [...this.#waiters]) w()
  }
}

/** Resolves after `ms`. */
export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

import net from 'node:net'

/**
 * A client that reads the way Mirai's scanner does (mirai/bot/scanner.c): one receive buffer, a
 * state that consumes a prefix of it when its test passes, and nothing else. Every wait is bounded.
 */
export class BotConnection {
  readonly socket: net.Socket
  #buf = Buffer.alloc(0)
  #closed = false
  #wake: (() => void) | undefined

  private constructor(socket: net.Socket) {
    this.socket = socket
    socket.on('data', (d: Buffer) => {
      this.#buf = Buffer.concat([this.#buf, d])
      this.#wake?.()
    })
    socket.on('close', () => {
      this.#closed = true
      this.#wake?.()
    })
    socket.on('error', () => {})
  }

  static connect(host: string, port: number, localAddress?: string): Promise<BotConnection> {
    return new Promise((resolve, reject) => {
      const s = net.connect({ host, port, ...(localAddress ? { localAddress } : {}) })
      s.once('connect', () => resolve(new BotConnection(s)))
      s.once('error', reject)
    })
  }

  get buffer(): Buffer {
    return this.#buf
  }

  get closed(): boolean {
    return this.#closed
  }

  send(bytes: string | Buffer): void {
    if (!this.#closed) this.socket.write(typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes)
  }

  /**
   * Waits until `consume(buffer)` returns a positive count, drops that many bytes and returns it;
   * -1 when the peer closed first or `timeoutMs` passed (as the bot's idle timeout).
   */
  async step(consume: (buf: Buffer) => number, timeoutMs = 5000): Promise<number> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const n = consume(this.#buf)
      if (n > 0) {
        this.#buf = this.#buf.subarray(n)
        return n
      }
      if (this.#closed || Date.now() >= deadline) return -1
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.max(1, deadline - Date.now()))
        this.#wake = () => {
          clearTimeout(t)
          resolve()
        }
      })
      this.#wake = undefined
    }
  }

  close(): void {
    this.socket.destroy()
  }
}

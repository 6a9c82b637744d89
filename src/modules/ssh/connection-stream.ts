import { Duplex } from 'node:stream'
import type { Connection } from '../../core/connection.js'
import { IoTimeoutError } from '../../core/scan-status.js'

/**
 * A Node stream over a framework Connection, for client libraries that want a socket (ssh2): the
 * framework's limits (deadline, byte cap) still hold, and the Connection still owns the socket.
 */
export class ConnectionStream extends Duplex {
  constructor(private readonly conn: Connection) {
    super()
    void this.pump()
  }

  override _read(): void {}

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.conn.write(chunk).then(() => callback(), callback)
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.conn.close()
    callback()
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.conn.close()
    callback(error)
  }

  private async pump(): Promise<void> {
    for (;;) {
      let chunk: Buffer
      try {
        chunk = await this.conn.read(this.conn.limits.deadlineMs)
      } catch (err) {
        if (err instanceof IoTimeoutError && !this.conn.isEnded) continue
        this.destroy(err as Error)
        return
      }
      if (chunk.length === 0) {
        this.push(null)
        return
      }
      this.push(chunk)
    }
  }
}

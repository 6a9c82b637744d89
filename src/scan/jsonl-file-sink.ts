import { once } from 'node:events'
import { createWriteStream, type WriteStream } from 'node:fs'
import { MamoriError } from '../core/errors.js'
import type { ScanRecord } from '../core/record.js'
import type { RecordSink } from '../core/sink.js'

/** Writes one JSON object per line to a file (appending), honouring the stream's back-pressure. */
export class JsonlFileSink implements RecordSink {
  private readonly stream: WriteStream
  private failure: Error | undefined
  /** The one wait for 'drain' that every writer meeting back-pressure shares (not a listener each). */
  private drain: Promise<void> | undefined

  constructor(readonly path: string) {
    this.stream = createWriteStream(path, { flags: 'a' })
    this.stream.on('error', (err) => {
      this.failure = err
    })
  }

  /** Resolves once the file is open, so a bad path fails before the scan starts. */
  async ready(): Promise<void> {
    if (this.stream.pending) {
      await Promise.race([once(this.stream, 'ready'), once(this.stream, 'error')]).catch(() => undefined)
    }
    this.check()
  }

  async write(record: ScanRecord): Promise<void> {
    this.check()
    if (this.stream.write(`${JSON.stringify(record)}\n`)) return
    this.drain ??= once(this.stream, 'drain').then(
      () => {
        this.drain = undefined
      },
      // an error instead of 'drain' is kept by the 'error' handler and thrown by check()
      () => undefined,
    )
    await this.drain
    this.check()
  }

  async close(): Promise<void> {
    if (!this.stream.closed) await new Promise<void>((resolve) => this.stream.end(resolve))
    this.check()
  }

  private check(): void {
    if (this.failure) throw new MamoriError('ERR_IO', `cannot write ${this.path}: ${this.failure.message}`)
  }
}

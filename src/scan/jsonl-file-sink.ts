import { once } from 'node:events'
import { createWriteStream, type WriteStream } from 'node:fs'
import { MamoriError } from '../core/errors.js'
import type { ScanRecord } from '../core/record.js'
import type { RecordSink } from '../core/sink.js'
import { DrainGate } from './drain-gate.js'

/** Writes one JSON object per line to a file (appending), honouring the stream's back-pressure. */
export class JsonlFileSink implements RecordSink {
  private readonly stream: WriteStream
  private failure: Error | undefined
  private readonly drain: DrainGate

  constructor(readonly path: string) {
    this.stream = createWriteStream(path, { flags: 'a' })
    this.drain = new DrainGate(this.stream)
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
    await this.drain.wait()
    // an error instead of 'drain' was kept by the 'error' handler
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

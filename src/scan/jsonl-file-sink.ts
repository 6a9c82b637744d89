import { once } from 'node:events'
import { createReadStream, createWriteStream, existsSync, type WriteStream } from 'node:fs'
import { truncate } from 'node:fs/promises'
import { MamoriError } from '../core/errors.js'
import { jsonLine } from '../core/escape.js'
import type { ScanRecord } from '../core/record.js'
import type { RecordSink } from '../core/sink.js'
import { DrainGate } from './drain-gate.js'

/** A line longer than this is not one of ours (a record's banner is at most 64 KiB). */
const MAX_LINE = 16 * 1024 * 1024

const keyOf = (r: Pick<ScanRecord, 'ip' | 'port' | 'transport'>) => `${r.ip}:${r.port}/${r.transport}`

/** Writes one JSON object per line to a file (appending), honouring the stream's back-pressure. */
export class JsonlFileSink implements RecordSink {
  private readonly stream: WriteStream
  private failure: Error | undefined
  private readonly drain: DrainGate
  /** Services of the resumed scan already in the file: not written again. */
  private readonly written = new Set<string>()

  /**
   * The sink of a resumed scan: the file is kept as the interrupted run left it, but a last line cut
   * by a kill is removed, and the services it already holds for this scan are not written again
   * (the resumed run redoes whatever finished after the last saved state).
   */
  static async resume(path: string, scanId: string): Promise<JsonlFileSink> {
    const written = new Set<string>()
    if (existsSync(path)) {
      const marker = Buffer.from(scanId)
      const take = (line: Buffer) => {
        if (!line.includes(marker)) return
        try {
          const r = JSON.parse(line.toString('utf8')) as ScanRecord
          if (r.scan_id === scanId) written.add(keyOf(r))
        } catch {
          // not a record of ours: left as it is
        }
      }
      let pos = 0
      let end = 0
      let carry: Buffer[] = []
      let carried = 0
      for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
        let start = 0
        for (let nl = chunk.indexOf(0x0a); nl !== -1; nl = chunk.indexOf(0x0a, start)) {
          if (carried + nl - start <= MAX_LINE) take(Buffer.concat([...carry, chunk.subarray(start, nl)]))
          carry = []
          carried = 0
          start = nl + 1
          end = pos + start
        }
        if (carried <= MAX_LINE) carry.push(chunk.subarray(start))
        carried += chunk.length - start
        pos += chunk.length
      }
      // what follows the last newline is a record the kill cut short: the resumed run writes it again
      if (end < pos) await truncate(path, end)
    }
    const sink = new JsonlFileSink(path)
    for (const k of written) sink.written.add(k)
    await sink.ready()
    return sink
  }

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
    if (this.written.size > 0 && this.written.has(keyOf(record))) return
    if (this.stream.write(jsonLine(record))) return
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

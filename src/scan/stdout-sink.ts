import { jsonLine } from '../core/escape.js'
import type { ScanRecord } from '../core/record.js'
import type { RecordSink } from '../core/sink.js'
import { DrainGate } from './drain-gate.js'

/** `--json`: one record per line on stdout, waiting when the pipe is full. */
export class StdoutSink implements RecordSink {
  private readonly drain = new DrainGate(process.stdout)

  async write(record: ScanRecord): Promise<void> {
    if (!process.stdout.write(jsonLine(record))) await this.drain.wait()
  }

  async close(): Promise<void> {}
}

import type { ScanRecord } from '../core/record.js'
import type { RecordSink } from '../core/sink.js'

/** `--json`: one record per line on stdout, waiting when the pipe is full. */
export class StdoutSink implements RecordSink {
  async write(record: ScanRecord): Promise<void> {
    if (!process.stdout.write(`${JSON.stringify(record)}\n`)) {
      await new Promise<void>((resolve) => process.stdout.once('drain', resolve))
    }
  }

  async close(): Promise<void> {}
}

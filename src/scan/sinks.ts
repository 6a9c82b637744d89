import type { RecordSink } from '../core/sink.js'
import { StoreSink } from '../store/store-sink.js'
import { JsonlFileSink } from './jsonl-file-sink.js'
import { StdoutSink } from './stdout-sink.js'

/** What the user asked for on the command line that decides where records go. */
export interface SinkOptions {
  /** `--out FILE`: JSON lines appended to FILE. */
  out?: string
  /** `--json`: JSON lines on stdout. */
  json?: boolean
  /** `--db [store]`: into the store (true: $MAMORI_DB or ./mamori.db); `parameters` go in its scans row. */
  db?: string | true
  parameters?: Record<string, unknown>
  /** `--resume`: the scan being finished; its records already in `--out` are not written again. */
  resumedScanId?: string
}

/** The one place scan sinks are built from options (the store adds its `--db` sink here). */
export async function createSinks(options: SinkOptions): Promise<RecordSink[]> {
  const sinks: RecordSink[] = []
  if (options.out) {
    if (options.resumedScanId) sinks.push(await JsonlFileSink.resume(options.out, options.resumedScanId))
    else {
      const file = new JsonlFileSink(options.out)
      await file.ready()
      sinks.push(file)
    }
  }
  if (options.json) sinks.push(new StdoutSink())
  if (options.db)
    sinks.push(
      await StoreSink.open(options.db === true ? undefined : options.db, { parameters: options.parameters }),
    )
  return sinks
}

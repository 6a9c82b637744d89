import type { RecordSink } from '../core/sink.js'
import { JsonlFileSink } from './jsonl-file-sink.js'
import { StdoutSink } from './stdout-sink.js'

/** What the user asked for on the command line that decides where records go. */
export interface SinkOptions {
  /** `--out FILE`: JSON lines appended to FILE. */
  out?: string
  /** `--json`: JSON lines on stdout. */
  json?: boolean
}

/** The one place scan sinks are built from options (the store adds its `--db` sink here). */
export async function createSinks(options: SinkOptions): Promise<RecordSink[]> {
  const sinks: RecordSink[] = []
  if (options.out) {
    const file = new JsonlFileSink(options.out)
    await file.ready()
    sinks.push(file)
  }
  if (options.json) sinks.push(new StdoutSink())
  return sinks
}

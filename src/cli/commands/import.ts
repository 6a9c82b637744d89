import { createReadStream } from 'node:fs'
import type { Command } from 'commander'
import { MamoriError } from '../../core/errors.js'
import { jsonLine } from '../../core/escape.js'
import { importJsonl } from '../../store/import-jsonl.js'
import { withStore } from '../../store/open-store.js'

export function registerImportCommand(program: Command): void {
  program
    .command('import')
    .description('load scan records (JSON Lines, from mamori scan --out or another instance) into the store')
    .argument('<files...>', 'JSONL files; - reads standard input')
    .option('--db <store>', 'SQLite file or postgres:// URL (default $MAMORI_DB or ./mamori.db)')
    .option('--json', 'one summary object per file')
    .action(async (files: string[], opts) => {
      let bad = 0
      await withStore(opts.db, async (store) => {
        for (const file of files) {
          const input = file === '-' ? process.stdin : createReadStream(file)
          const opened = new Promise<void>((resolve, reject) => {
            if (file === '-') resolve()
            input.once('open', () => resolve())
            input.once('error', (err: Error) =>
              reject(new MamoriError('ERR_IMPORT', `cannot read ${file}: ${err.message}`)),
            )
          })
          await opened
          const r = await importJsonl(store, input)
          bad += r.badCount
          for (const b of r.bad) process.stderr.write(`${file}:${b.line}: ${b.error}\n`)
          if (r.badCount > r.bad.length)
            process.stderr.write(`${file}: ${r.badCount - r.bad.length} more bad lines\n`)
          const summary = {
            file,
            lines: r.lines,
            stored: r.stored,
            duplicates: r.duplicates,
            bad: r.badCount,
          }
          process.stdout.write(
            opts.json
              ? jsonLine(summary)
              : `${file}: ${r.stored} stored, ${r.duplicates} already there, ${r.badCount} bad lines skipped\n`,
          )
        }
        await store.analyze()
      })
      // the good records are stored; the exit status still tells scripts that input was refused
      if (bad > 0) process.exitCode = 2
    })
}

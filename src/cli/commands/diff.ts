import type { Command } from 'commander'
import { jsonLine } from '../../core/escape.js'
import { withStore } from '../../store/open-store.js'
import { diffTable } from '../../store/output.js'

export function registerDiffCommand(program: Command): void {
  program
    .command('diff')
    .description(
      'services that appeared, disappeared or changed (banner, product, version) between two scans',
    )
    .argument('<scanA>', 'the earlier scan id (see mamori scans)')
    .argument('<scanB>', 'the later scan id')
    .option('--db <store>', 'SQLite file or postgres:// URL (default $MAMORI_DB or ./mamori.db)')
    .option('--json', 'one change per line')
    .action(async (a: string, b: string, opts) => {
      await withStore(opts.db, async (store) => {
        const entries = await store.diff(a, b)
        if (opts.json) for (const e of entries) process.stdout.write(jsonLine(e))
        else process.stdout.write(diffTable(entries, process.stdout.isTTY === true))
      })
    })
}

import type { Command } from 'commander'
import { jsonLine } from '../../core/escape.js'
import { withStore } from '../../store/open-store.js'
import { scansTable } from '../../store/output.js'

export function registerScansCommand(program: Command): void {
  program
    .command('scans')
    .description('list the scans in the store (ids for mamori diff)')
    .option('--db <store>', 'SQLite file or postgres:// URL (default $MAMORI_DB or ./mamori.db)')
    .option('--json', 'one scan per line')
    .action(async (opts) => {
      await withStore(opts.db, async (store) => {
        const scans = await store.scans()
        if (opts.json) for (const s of scans) process.stdout.write(jsonLine(s))
        else process.stdout.write(scansTable(scans, process.stdout.isTTY === true))
      })
    })
}

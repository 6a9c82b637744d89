import type { Command } from 'commander'
import { MamoriError } from '../../core/errors.js'
import { jsonLine } from '../../core/escape.js'
import { withStore } from '../../store/open-store.js'
import { hostText } from '../../store/output.js'

export function registerHostCommand(program: Command): void {
  program
    .command('host')
    .description('everything known about one address: services, banners, fingerprints, findings, history')
    .argument('<ip>', 'IPv4 address')
    .option('--db <store>', 'SQLite file or postgres:// URL (default $MAMORI_DB or ./mamori.db)')
    .option('--json', 'one JSON object')
    .action(async (ip: string, opts) => {
      await withStore(opts.db, async (store) => {
        const report = await store.host(ip)
        if (!report) throw new MamoriError('ERR_NOT_FOUND', `${ip} is not in the store`)
        process.stdout.write(opts.json ? jsonLine(report) : hostText(report))
      })
    })
}

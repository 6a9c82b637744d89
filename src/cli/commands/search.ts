import type { Command } from 'commander'
import { MamoriError } from '../../core/errors.js'
import { jsonLine } from '../../core/escape.js'
import { parseFacets } from '../../query/facets.js'
import { parseQuery } from '../../query/parser.js'
import { intOption, withStore } from '../../store/open-store.js'
import { csvHeader, csvRows, facetsText, servicesTable } from '../../store/output.js'

export function registerSearchCommand(program: Command): void {
  program
    .command('search')
    .description(
      'search stored services: mamori search \'port:23,2323 -product:"BusyBox" net:127.16.0.0/16 login\'',
    )
    .argument(
      '[query...]',
      'search terms (key:value, -key:value, "phrases", words); empty matches everything',
    )
    .option('--db <store>', 'SQLite file or postgres:// URL (default $MAMORI_DB or ./mamori.db)')
    .option('--json', 'one service record per line (JSON Lines)')
    .option('--csv', 'CSV with a header line')
    .option('--limit <n>', 'services per page', '100')
    .option('--offset <n>', 'skip this many services', '0')
    .option('--after <cursor>', 'continue after this service_id (printed as the next cursor)')
    .option('--facets <list>', 'count values per field, e.g. port,vendor:20,device')
    .action(async (words: string[], opts) => {
      if (opts.json && opts.csv)
        throw new MamoriError('ERR_USAGE', '--json and --csv cannot be used together')
      const query = parseQuery(words.join(' '))
      const facets = opts.facets ? parseFacets(opts.facets) : undefined
      const limit = intOption('--limit', opts.limit, 100_000)
      const offset = intOption('--offset', opts.offset, 1_000_000_000)
      const after =
        opts.after === undefined ? undefined : intOption('--after', opts.after, Number.MAX_SAFE_INTEGER)
      const tty = process.stdout.isTTY === true
      await withStore(opts.db, async (store) => {
        const rows =
          limit === 0
            ? []
            : await store.search(query, { limit, offset, ...(after !== undefined ? { after } : {}) })
        if (opts.json) {
          if (facets) {
            process.stdout.write(jsonLine(await store.facets(query, facets)))
            return
          }
          for (const { service_id: _id, ...r } of rows) process.stdout.write(jsonLine(r))
          return
        }
        if (opts.csv) {
          process.stdout.write(csvHeader() + csvRows(rows))
          return
        }
        if (rows.length > 0) process.stdout.write(servicesTable(rows, tty))
        if (tty || facets) {
          const total = await store.count(query)
          const last = rows[rows.length - 1]
          const more = last && rows.length === limit ? `; next page: --after ${last.service_id}` : ''
          process.stderr.write(`${rows.length} of ${total} services${more}\n`)
        }
        if (facets) process.stdout.write(`\n${facetsText(await store.facets(query, facets), tty)}`)
      })
    })
}

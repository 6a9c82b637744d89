import type { Command } from 'commander'
import { jsonLine } from '../../core/escape.js'
import { parseFacets } from '../../query/facets.js'
import { parseQuery } from '../../query/parser.js'
import { withStore } from '../../store/open-store.js'
import { facetsText } from '../../store/output.js'

export function registerStatsCommand(program: Command): void {
  program
    .command('stats')
    .description('count stored services per field value (facets), optionally over a search')
    .argument('[query...]', 'search terms; empty counts everything')
    .option('--db <store>', 'SQLite file or postgres:// URL (default $MAMORI_DB or ./mamori.db)')
    .option('--facets <list>', 'fields with optional top-N', 'port,protocol,product,vendor,device')
    .option('--json', 'one JSON object: {total, facets: [{field, values: [{value, count}]}]}')
    .action(async (words: string[], opts) => {
      const query = parseQuery(words.join(' '))
      const facets = parseFacets(opts.facets)
      await withStore(opts.db, async (store) => {
        const result = await store.facets(query, facets)
        process.stdout.write(opts.json ? jsonLine(result) : facetsText(result, process.stdout.isTTY === true))
      })
    })
}

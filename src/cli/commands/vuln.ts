import type { Command } from 'commander'
import { parseCpe, wfnValue, withAttr } from '../../core/cpe.js'
import { MamoriError } from '../../core/errors.js'
import { jsonLine } from '../../core/escape.js'
import { withStore } from '../../store/open-store.js'
import { defaultVulnDbPath, VulnDb } from '../../vuln/db/vuln-db.js'
import { importInputs } from '../../vuln/import/import-inputs.js'
import { assetFromWfns } from '../../vuln/match/asset.js'
import { VulnMatcher } from '../../vuln/match/vuln-matcher.js'
import { canonicalWfn } from '../../vuln/names/fingerprint-cpes.js'
import { vulnReport, vulnReportText } from '../../vuln/show/vuln-report.js'
import { affectedServices, applyToStore } from '../../vuln/store/affected-services.js'
import { syncSource } from '../../vuln/sync/sync-source.js'

const DB_HELP = `vulnerability database file (default $MAMORI_VULN_DB or ${defaultVulnDbPath()})`

function withVulnDb<T>(file: string | undefined, fn: (db: VulnDb) => Promise<T>): Promise<T> {
  const db = new VulnDb(file ?? defaultVulnDbPath())
  return fn(db).finally(() => db.close())
}

function clean(s: string): string {
  return s.replace(/\p{Cc}/gu, ' ')
}

export function registerVulnCommand(program: Command): void {
  const vuln = program
    .command('vuln')
    .description('vulnerability intelligence: NVD, CVE 5, KEV, JVN, CSAF; CPE matching')

  vuln
    .command('import')
    .description(
      'import NVD (1.1 feed / API 2.0), CVE JSON 5, CISA KEV, CSAF 2.0 or JVN files or URLs (format from content)',
    )
    .argument('<inputs...>', 'files (plain or gzip) or http(s) URLs')
    .option('--db <file>', DB_HELP)
    .option('--json', 'print the summary as one JSON object')
    .action(async (inputs: string[], opts) => {
      await withVulnDb(opts.db, async (db) => {
        const summary = await importInputs(db, inputs, {
          onProblem: (p) =>
            process.stderr.write(
              `mamori: ${p.file}: ${p.position === 'file' ? '' : `${p.position}${p.id ? ` (${p.id})` : ''}: `}${clean(p.message)}\n`,
            ),
        })
        if (opts.json) process.stdout.write(jsonLine(summary))
        else {
          for (const f of summary.files)
            process.stdout.write(
              `${f.name}: ${f.format ?? 'unknown format'}, ${f.failed ? 'not imported' : `${f.records} records`}\n`,
            )
          const k = summary.kev
          process.stdout.write(
            `imported ${summary.imported}, updated ${summary.updated}, unchanged ${summary.unchanged}, rejected ${summary.rejected}` +
              (k.imported + k.updated + k.unchanged
                ? `; KEV imported ${k.imported}, updated ${k.updated}, unchanged ${k.unchanged}`
                : '') +
              (summary.failedFiles ? `; ${summary.failedFiles} files not imported` : '') +
              '\n',
          )
        }
        // what was read is committed; the exit status still tells scripts that input was refused
        if (summary.failedFiles > 0 || summary.rejected > 0) {
          const parts = [
            summary.failedFiles ? `${summary.failedFiles} of ${summary.files.length} files not imported` : '',
            summary.rejected ? `${summary.rejected} records rejected` : '',
          ]
          throw new MamoriError('ERR_VULN_IMPORT', parts.filter(Boolean).join(', '))
        }
      })
    })

  vuln
    .command('sync')
    .description('download from the online source: nvd (API 2.0, incremental, resumable), kev, jvn (MyJVN)')
    .argument('<source>', 'nvd | kev | jvn')
    .option('--db <file>', DB_HELP)
    .option('--url <url>', 'API base URL (default: the official one)')
    .option('--api-key <key>', 'NVD API key (or $NVD_API_KEY): 50 requests/30 s instead of 5')
    .option('--since <date>', 'first sync: only records modified (NVD) or published (JVN) since this date')
    .option('--json', 'print the summary as one JSON object')
    .action(async (source: string, opts) => {
      await withVulnDb(opts.db, async (db) => {
        const summary = await syncSource(db, source, {
          url: opts.url,
          apiKey: opts.apiKey ?? process.env.NVD_API_KEY,
          since: opts.since,
          onProgress: (msg) => {
            if (process.stderr.isTTY || !opts.json) process.stderr.write(`${clean(msg)}\n`)
          },
        })
        process.stdout.write(opts.json ? jsonLine(summary) : `${summary.text}\n`)
      })
    })

  vuln
    .command('match')
    .description('the CVEs that apply to one product and version, with the reason for each')
    .argument('<cpe...>', 'CPE 2.3 or 2.2 names of one device (e.g. firmware and hardware)')
    .option('--ver <version>', 'set the version of the first CPE (e.g. a banner version)')
    .option('--lenient', 'lenient matching (SUBSET attributes, NVD "-" versions read as all versions)')
    .option('--db <file>', DB_HELP)
    .option('--json', 'one JSON line per CVE: {id, status, cvss, kev, reason}')
    .action(async (cpes: string[], opts) => {
      let wfns = cpes.map((c) => canonicalWfn(parseCpe(c)))
      const first = wfns[0]
      if (opts.ver !== undefined && first)
        wfns = [withAttr(first, 'version', wfnValue(opts.ver)), ...wfns.slice(1)]
      await withVulnDb(opts.db, async (db) => {
        const matches = new VulnMatcher(db, { mode: opts.lenient ? 'lenient' : 'strict' }).match(
          assetFromWfns(wfns),
        )
        for (const m of matches) {
          if (opts.json) {
            const line: Record<string, unknown> = {
              id: m.id,
              status: m.status,
              cvss: m.cvss ?? null,
              kev: m.kev,
              reason: m.reason,
            }
            process.stdout.write(jsonLine(line))
          } else {
            const score = m.cvss !== undefined ? `${m.cvss}`.padEnd(4) : ' -  '
            process.stdout.write(
              `${m.id.padEnd(16)} ${score} ${m.kev ? 'KEV ' : '    '}${m.status === 'affected' ? 'affected     ' : 'POSSIBLY     '}${clean(m.reason)}\n`,
            )
          }
        }
        if (!opts.json && matches.length === 0) process.stdout.write('no known vulnerability applies\n')
      })
    })

  vuln
    .command('show')
    .description('one vulnerability: record, CVSS, KEV status, JVN ids, affected CPE ranges')
    .argument('<id>', 'CVE-YYYY-NNNN or JVNDB-YYYY-NNNNNN')
    .option('--db <file>', DB_HELP)
    .option('--json', 'one JSON object')
    .action(async (id: string, opts) => {
      await withVulnDb(opts.db, async (db) => {
        const r = vulnReport(db, id)
        process.stdout.write(opts.json ? jsonLine(r) : vulnReportText(r))
      })
    })

  vuln
    .command('affected')
    .description('services in the store that a vulnerability applies to')
    .argument('<id>', 'CVE-YYYY-NNNN or JVNDB-YYYY-NNNNNN')
    .option('--db <file>', DB_HELP)
    .option(
      '--store <store>',
      'scan store: SQLite file or postgres:// URL (default $MAMORI_DB or ./mamori.db)',
    )
    .option('--lenient', 'lenient matching')
    .option('--json', 'one JSON line per service')
    .action(async (id: string, opts) => {
      await withVulnDb(opts.db, (db) =>
        withStore(opts.store, async (store) => {
          let n = 0
          for await (const s of affectedServices(store, db, id, opts.lenient ? 'lenient' : 'strict')) {
            n++
            process.stdout.write(
              opts.json
                ? jsonLine(s)
                : `${`${s.ip}:${s.port}/${s.transport}`.padEnd(24)} ${s.status.padEnd(13)} ${clean(`${s.product ?? ''} ${s.version ?? ''}`.trim())}  ${s.cpe.join(' ')}\n`,
            )
          }
          if (!opts.json) process.stdout.write(`${n} service(s)\n`)
        }),
      )
    })

  vuln
    .command('apply')
    .description('re-match every fingerprinted service in the store and store its vulns[] and findings')
    .option('--db <file>', DB_HELP)
    .option(
      '--store <store>',
      'scan store: SQLite file or postgres:// URL (default $MAMORI_DB or ./mamori.db)',
    )
    .option('--lenient', 'lenient matching')
    .option('--json', 'print the summary as one JSON object')
    .action(async (opts) => {
      await withVulnDb(opts.db, (db) =>
        withStore(opts.store, async (store) => {
          const r = await applyToStore(
            store,
            new VulnMatcher(db, { mode: opts.lenient ? 'lenient' : 'strict' }),
          )
          process.stdout.write(
            opts.json
              ? jsonLine(r)
              : `updated ${r.services} service(s), ${r.withVulns} with vulnerabilities\n`,
          )
        }),
      )
    })
}

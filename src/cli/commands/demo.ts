import type { Command } from 'commander'
import { jsonLine } from '../../core/escape.js'
import { formatDemoReport } from '../../demo/demo-report.js'
import { DEFAULT_DEMO, runDemo } from '../../demo/run-demo.js'

export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description('start the lab, scan it with fingerprints and the credential audit, report, stop the lab')
    .option('--seed <n>', 'lab and scan seed', (v) => Number.parseInt(v, 10), DEFAULT_DEMO.seed)
    .option('--devices <n>', 'simulated devices', (v) => Number.parseInt(v, 10), DEFAULT_DEMO.devices)
    .option('--out <file>', 'also write the records as JSON lines')
    .option('--db <store>', 'also store the records (SQLite file or postgres:// URL) for `mamori search`')
    .option('--json', 'print the report as one JSON object')
    .action(async (flags: { seed: number; devices: number; out?: string; db?: string; json?: boolean }) => {
      const { report, summary } = await runDemo({
        ...DEFAULT_DEMO,
        seed: flags.seed,
        devices: flags.devices,
        out: flags.out,
        db: flags.db,
        onStep: flags.json ? undefined : (m) => process.stdout.write(`mamori demo: ${m}\n`),
      })
      if (flags.json) process.stdout.write(jsonLine({ report, summary }))
      else process.stdout.write(`\n${formatDemoReport(report)}\n`)
    })
}

import type { Command } from 'commander'
import { MamoriError } from '../../core/errors.js'
import { jsonLine } from '../../core/escape.js'
import { cidrRange } from '../../core/ipv4.js'
import { analyseCapture } from '../../darknet/analyse-capture.js'
import { analysisSummary, darknetTable } from '../../darknet/darknet-output.js'
import { darknetVerdict } from '../../darknet/darknet-verdict.js'
import { formatDuration } from '../../scan/progress-line.js'
import { openSensorStore } from '../../store/sensors/sql-sensor-store.js'

function parseBlocks(specs: readonly string[] = []): { base: number; mask: number }[] {
  return specs.map((spec) => {
    const r = cidrRange(spec)
    if (!r) throw new MamoriError('ERR_USAGE', `--block "${spec}" is not a CIDR block`)
    return { base: r.lo, mask: ~(r.hi - r.lo) >>> 0 }
  })
}

export function registerDarknetCommand(program: Command): void {
  const darknet = program
    .command('darknet')
    .description('classify the sources of unsolicited traffic seen by a network telescope')
  darknet
    .command('import')
    .description(
      'read pcap/pcapng captures (gzipped or not) and classify each source of unsolicited TCP SYNs',
    )
    .argument('<files...>', 'capture files')
    .option('--block <cidr...>', 'the unused blocks the telescope watches (default: every destination)')
    .option(
      '--db <store>',
      'also merge the sources into the store (SQLite file or postgres:// URL), one transaction per file',
    )
    .option('--sensor <name>', 'the name the store keeps for this telescope', 'darknet')
    .option('--json', 'one JSON object per source (the summary goes to standard error)')
    .action(async (files: string[], opts) => {
      const blocks = parseBlocks(opts.block)
      const store = opts.db ? await openSensorStore(opts.db) : undefined
      const tty = process.stderr.isTTY === true && !opts.json
      try {
        for (const file of files) {
          const started = Date.now()
          const progress = tty
            ? (f: number) => {
                const elapsed = Date.now() - started
                const eta = f > 0 && f < 1 ? formatDuration((elapsed * (1 - f)) / f) : '-'
                const bar = '#'.repeat(Math.round(f * 24)).padEnd(24, '.')
                process.stderr.write(`\r[${bar}] ${(f * 100).toFixed(1).padStart(5)}%  ETA ${eta}   `)
              }
            : undefined
          const a = await analyseCapture(file, { blocks, ...(progress ? { onProgress: progress } : {}) })
          if (tty) process.stderr.write('\r\x1b[K')
          if (store)
            await store.recordDarknet(
              a.sources.map((s) => ({
                ip: s.ip,
                sensor: opts.sensor,
                first_seen: s.first_seen,
                last_seen: s.last_seen,
                packets: s.packets,
                counters: { ...s.counters, span_ms: 0 },
              })),
              (c, packets, spanMs) =>
                darknetVerdict({
                  syns: packets,
                  mirai_syns: c.mirai_syns ?? 0,
                  port23: c.port23 ?? 0,
                  port2323: c.port2323 ?? 0,
                  other_ports: c.other_ports ?? 0,
                  dests: c.dests ?? 0,
                  span_ms: spanMs,
                }),
            )
          if (opts.json) {
            for (const s of a.sources) process.stdout.write(jsonLine({ file, ...s }))
            process.stderr.write(analysisSummary(a))
          } else {
            process.stdout.write(darknetTable(a.sources, process.stdout.isTTY === true))
            process.stdout.write(analysisSummary(a))
          }
        }
      } finally {
        await store?.close()
      }
    })
}

import { writeFileSync } from 'node:fs'
import { Command } from 'commander'
import { MamoriError } from '../../core/errors.js'
import { safeJson } from '../../core/escape.js'
import { cidrRange } from '../../core/ipv4.js'
import { writeSyntheticCapture } from '../../lab/pcap/synthetic-capture.js'
import { intOption } from '../../store/open-store.js'

/** `mamori lab pcap`: a synthetic darknet capture with known sources, written as a file (nothing is sent). */
export function labPcapCommand(): Command {
  return new Command('pcap')
    .description(
      'write a synthetic darknet capture (Mirai bots, other scanners, backscatter) with its ground truth',
    )
    .requiredOption('--out <file>', 'capture to write (.gz: gzipped)')
    .option('--seed <n>', 'same seed, same packets, same truth', '1')
    .option('--packets <n>', 'packets in the capture', '100000')
    .option('--mirai <n>', 'sources scanning with the Mirai SYN fingerprint', '50')
    .option('--scanners <n>', 'other scanners', '30')
    .option('--backscatter <n>', 'sources of SYN-ACK backscatter', '20')
    .option('--darknet <cidr>', 'the unused block the SYNs go to', '198.18.0.0/16')
    .option('--rate <pps>', 'packets per second over the capture', '5000')
    .option('--pcapng', 'write pcapng instead of classic pcap')
    .option('--truth <file>', 'write the ground truth (every source, its kind, its packets) as JSON')
    .action(async (opts) => {
      const block = cidrRange(opts.darknet)
      if (!block) throw new MamoriError('ERR_USAGE', `--darknet "${opts.darknet}" is not a CIDR block`)
      const bits = 32 - Math.log2(block.hi - block.lo + 1)
      let truth: Awaited<ReturnType<typeof writeSyntheticCapture>>
      try {
        truth = await writeSyntheticCapture(opts.out, {
          seed: intOption('--seed', opts.seed, 2 ** 31),
          packets: intOption('--packets', opts.packets, 500_000_000),
          mirai: intOption('--mirai', opts.mirai, 1_000_000),
          scanners: intOption('--scanners', opts.scanners, 1_000_000),
          backscatter: intOption('--backscatter', opts.backscatter, 1_000_000),
          darknet: { base: block.lo, bits },
          format: opts.pcapng ? 'pcapng' : 'pcap',
          startMs: Date.parse('2026-11-01T00:00:00Z'),
          rate: Math.max(1, intOption('--rate', opts.rate, 100_000_000)),
        })
      } catch (err) {
        if (err instanceof MamoriError) throw err
        throw new MamoriError('ERR_IO', `cannot write ${opts.out}: ${(err as Error).message}`)
      }
      if (opts.truth) writeFileSync(opts.truth, `${safeJson(truth, 2)}\n`)
      const kinds = new Map<string, number>()
      for (const s of truth.sources) kinds.set(s.kind, (kinds.get(s.kind) ?? 0) + 1)
      process.stdout.write(
        `${opts.out}: ${truth.spec.packets} packets from ${truth.sources.length} sources (${[...kinds].map(([k, n]) => `${n} ${k}`).join(', ')})\n`,
      )
    })
}

/**
 * Darknet classification throughput: packets of a generated classic pcap file read, decoded, tallied
 * per source and classified, per second of this process's CPU time (one core) and of wall time.
 * The capture (5,000,000 packets from 10,000 sources by default) is written once by the lab.
 *
 *   node --import tsx bench/darknet-throughput.ts [--packets 5000000] [--runs 3] [--gzip]
 */
import { existsSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { analyseCapture } from '../src/darknet/analyse-capture.js'
import { writeSyntheticCapture } from '../src/lab/pcap/synthetic-capture.js'

const { values } = parseArgs({
  options: {
    packets: { type: 'string', default: '5000000' },
    runs: { type: 'string', default: '3' },
    gzip: { type: 'boolean', default: false },
  },
})
const packets = Number(values.packets)
const file = join(tmpdir(), `mamori-bench-darknet-${packets}.pcap${values.gzip ? '.gz' : ''}`)
if (!existsSync(file)) {
  const t = Date.now()
  await writeSyntheticCapture(file, {
    seed: 1,
    packets,
    darknet: { base: 0xc6120000, bits: 16 },
    mirai: 6000,
    scanners: 3000,
    backscatter: 1000,
    format: 'pcap',
    startMs: Date.parse('2026-11-01T00:00:00Z'),
    rate: 20_000,
  })
  console.log(
    `wrote ${file} (${(statSync(file).size / 1e6).toFixed(0)} MB) in ${((Date.now() - t) / 1000).toFixed(1)} s`,
  )
}

for (let run = 1; run <= Number(values.runs); run++) {
  const cpu0 = process.cpuUsage()
  const t0 = performance.now()
  const r = await analyseCapture(file)
  const wall = (performance.now() - t0) / 1000
  const cpu = process.cpuUsage(cpu0)
  const cpuSeconds = (cpu.user + cpu.system) / 1e6
  const mirai = r.sources.filter((s) => s.family === 'mirai').length
  console.log(
    `run ${run}: ${r.stats.packets.toLocaleString('en')} packets, ${r.sources.length} sources (${mirai} mirai) in ${wall.toFixed(2)} s wall, ${cpuSeconds.toFixed(2)} s CPU: ` +
      `${Math.round(r.stats.packets / cpuSeconds).toLocaleString('en')} packets/s per CPU second, ${Math.round(r.stats.packets / wall).toLocaleString('en')} per wall second; ` +
      `peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`,
  )
}

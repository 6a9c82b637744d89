import { table } from '../store/output.js'
import type { CaptureAnalysis, DarknetSource } from './analyse-capture.js'

/** Sources as a terminal table (tab-separated when piped). Addresses and counters only: nothing here is free text. */
export function darknetTable(rows: readonly DarknetSource[], tty: boolean): string {
  return table(
    [
      'SOURCE',
      'FAMILY',
      'CONF',
      'SYNS',
      'SEQ=DST',
      '23',
      '2323',
      'OTHER',
      'DESTS',
      'SYN/S',
      'FIRST SEEN',
      'LAST SEEN',
    ],
    rows.map((s) => [
      s.ip,
      s.family,
      s.confidence.toFixed(2),
      String(s.packets),
      String(s.counters.mirai_syns),
      String(s.counters.port23),
      String(s.counters.port2323),
      String(s.counters.other_ports),
      String(s.counters.dests),
      s.counters.span_ms > 0 ? ((s.packets * 1000) / s.counters.span_ms).toFixed(1) : '-',
      s.first_seen.slice(0, 23),
      s.last_seen.slice(0, 23),
    ]),
    tty,
  )
}

/** One line per file: what was read and how the sources split. */
export function analysisSummary(a: CaptureAnalysis): string {
  const by = new Map<string, number>()
  for (const s of a.sources) by.set(s.family, (by.get(s.family) ?? 0) + 1)
  const families = [...by].map(([f, n]) => `${n} ${f}`).join(', ') || 'none'
  const st = a.stats
  return (
    `${a.file}: ${st.packets} packets (${a.format}), ${st.syns} unsolicited SYNs from ${a.sources.length} sources: ${families}; ` +
    `not counted: ${st.otherTcp} other TCP, ${st.otherIp} other IP, ${st.undecoded} undecoded, ${st.outsideBlocks} outside the blocks\n`
  )
}

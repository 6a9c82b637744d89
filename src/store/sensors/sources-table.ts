import { oneLine, table } from '../output.js'
import type { SensorSource } from './sensor-store.js'

/** Sources as a terminal table (tab-separated when piped); every stored string shown through oneLine. */
export function sourcesTable(rows: readonly SensorSource[], tty: boolean): string {
  return table(
    ['SOURCE', 'FAMILY', 'CONFIDENCE', 'SEEN', 'FIRST SEEN', 'LAST SEEN', 'FEATURES'],
    rows.map((r) => [
      r.ip,
      oneLine(r.variant ? `${r.family} (${r.variant})` : r.family, 30),
      r.confidence.toFixed(2),
      String(r.observations),
      r.first_seen.slice(0, 19),
      r.last_seen.slice(0, 19),
      oneLine(r.features.map((f) => f.id).join(','), 80),
    ]),
    tty,
  )
}

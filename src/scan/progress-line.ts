import type { ScanProgress } from './scan-runner.js'

const BAR_WIDTH = 24

/** One status line for a terminal: a bar with the done share, probe rate, services found, ETA. */
export function formatProgress(p: ScanProgress): string {
  const filled = Math.round(Math.min(1, Math.max(0, p.fraction)) * BAR_WIDTH)
  const bar = `[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}]`
  const pct = (p.fraction * 100).toFixed(1).padStart(5)
  const eta =
    p.fraction > 0 && p.fraction < 1 ? formatDuration((p.elapsedMs * (1 - p.fraction)) / p.fraction) : '-'
  return `${bar} ${pct}%  ${Math.round(p.rate).toLocaleString('en')} probes/s  ${p.open} open  ${p.records} records  ETA ${eta}`
}

export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000)
  if (s < 60) return `${s}s`
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`
}

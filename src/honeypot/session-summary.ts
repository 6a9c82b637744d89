import type { HoneypotSessionRow } from '../store/sensors/sensor-store.js'

/**
 * What one session amounted to: the classifier's input and, with its verdict, the store's session
 * row. `close_reason`: client-closed, idle, time-limit, byte-limit, command-limit, login-limit, exit,
 * output-backlog, error, shutdown.
 */
export interface SessionSummary extends Omit<HoneypotSessionRow, 'summary' | 'verdict'> {
  duration_ms: number
  bytes_in: number
  /** Login attempts in order (escaped text). */
  logins: { username: string; password: string; success: boolean }[]
  /** NAWS window sizes reported. */
  sizes: { width: number; height: number }[]
  terminal_types: string[]
  /** Lines typed at the shell, in order (escaped text, capped). */
  lines: string[]
  /** Lines typed in all, including those past the cap. */
  line_count: number
  /** Download URLs asked for (never fetched). */
  urls: string[]
}

/** Caps on what a summary keeps, so a long session is a bounded row. */
export const SUMMARY_CAPS = { logins: 20, sizes: 4, lines: 300, urls: 50, text: 512 }

export function capText(text: string): string {
  return text.length > SUMMARY_CAPS.text ? `${text.slice(0, SUMMARY_CAPS.text)}…` : text
}

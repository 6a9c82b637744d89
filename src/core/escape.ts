/**
 * Device- and file-supplied text made harmless for whatever shows it. A terminal acts on C0 controls
 * (ESC starts colour, cursor and title sequences, BEL rings), on DEL and on C1 (U+009B is a CSI on
 * many terminals); bidirectional overrides and isolates reorder what a reader sees; U+2028/U+2029
 * break lines where a reader does not expect it. All of them are written as visible escapes.
 */
// the classes are built from escape text: a regex literal of raw control characters is unreadable
const BIDI_AND_SEPARATORS = '\\u2028\\u2029\\u202a-\\u202e\\u2066-\\u2069'
const UNSAFE = new RegExp(
  `[\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f-\\u009f${BIDI_AND_SEPARATORS}]`,
  'g',
)
const UNSAFE_WITH_NEWLINES = new RegExp(
  `[\\u0000-\\u0008\\u000a-\\u001f\\u007f-\\u009f${BIDI_AND_SEPARATORS}]`,
  'g',
)
// what JSON.stringify leaves raw inside strings (it already escapes C0)
const JSON_UNSAFE = new RegExp(`[\\u007f-\\u009f${BIDI_AND_SEPARATORS}]`, 'g')

function visible(ch: string): string {
  const code = ch.codePointAt(0) ?? 0
  return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u{${code.toString(16)}}`
}

/**
 * Text for a terminal, a log line or an error message: every control but tab (and, with
 * `keepNewlines`, LF and CR) written as `\xNN` / `\u{NNNN}`.
 */
export function escapeText(text: string, options: { keepNewlines?: boolean } = {}): string {
  return text.replace(options.keepNewlines ? UNSAFE : UNSAFE_WITH_NEWLINES, visible)
}

/**
 * JSON that no device string can act through: JSON.stringify, with DEL, C1 controls, the line
 * separators and bidi controls written as `\u00NN` escapes (the same string to a JSON reader).
 */
export function safeJson(value: unknown, indent?: number): string {
  return JSON.stringify(value, null, indent).replace(
    JSON_UNSAFE,
    (ch) => `\\u${(ch.codePointAt(0) ?? 0).toString(16).padStart(4, '0')}`,
  )
}

/** One JSON line (JSON Lines output: records, summaries, events). */
export function jsonLine(value: unknown): string {
  return `${safeJson(value)}\n`
}

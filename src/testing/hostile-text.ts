/** What devices and files have sent to make a terminal act: titles, clears, bells, C1 CSI, bidi, a formula. */
export const HOSTILE = [
  '\x1b]0;owned\x07',
  '\x1b[2J\x1b[H',
  '\x07',
  '\x9b31m',
  '\x00\x08\x7f',
  'admin\u202egnp.exe',
  'line\u2028break',
  '=cmd|" /C calc"!A0',
].join(' ')

/** Characters no output may carry raw: every control but tab and newline, DEL, C1, bidi, separators. */
const CONTROLS = '\\u0000-\\u0008\\u000b-\\u001f\\u007f-\\u009f\\u2028\\u2029\\u202a-\\u202e\\u2066-\\u2069'
export const RAW_CONTROL = new RegExp(`[${CONTROLS}]`)

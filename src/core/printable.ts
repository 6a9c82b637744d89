/**
 * Text from the network made safe to store and show: UTF-8 decoded (invalid bytes replaced),
 * control characters other than tab, CR and LF written as \xNN, cut to `maxChars`.
 */
export function printable(bytes: Buffer, maxChars = 4096): string {
  const text = bytes.toString('utf8')
  let out = ''
  for (const ch of text) {
    if (out.length >= maxChars) break
    const code = ch.codePointAt(0) ?? 0
    const isControl =
      (code < 0x20 && ch !== '\t' && ch !== '\r' && ch !== '\n') || (code >= 0x7f && code < 0xa0)
    out += isControl ? `\\x${code.toString(16).padStart(2, '0')}` : ch
  }
  return out
}

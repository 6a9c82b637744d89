const SIMPLE: Record<string, number> = { a: 7, b: 8, e: 27, f: 12, n: 10, r: 13, t: 9, v: 11, '\\': 92 }

/**
 * BusyBox `echo -e`: \a \b \e \f \n \r \t \v \\, \xHH, \0NNN and \NNN octal, \c ends the output.
 * Works on bytes (latin1 strings), so `echo -ne '\x7f\x45...'` yields exactly the bytes a bot meant.
 */
export function expandEchoEscapes(text: string): { bytes: Buffer; stop: boolean } {
  const out: number[] = []
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c !== 92 || i + 1 >= text.length) {
      out.push(c & 0xff)
      continue
    }
    const n = text[i + 1] as string
    if (n === 'c') return { bytes: Buffer.from(out), stop: true }
    if (n in SIMPLE) {
      out.push(SIMPLE[n] as number)
      i++
    } else if (n === 'x' && /[0-9a-fA-F]/.test(text[i + 2] ?? '')) {
      const hex = /^[0-9a-fA-F]{1,2}/.exec(text.slice(i + 2, i + 4))?.[0] as string
      out.push(Number.parseInt(hex, 16))
      i += 1 + hex.length
    } else if (/[0-7]/.test(n)) {
      // \0NNN takes up to three digits after the 0; \NNN up to three in all
      const digits =
        n === '0'
          ? /^[0-7]{0,3}/.exec(text.slice(i + 2, i + 5))?.[0]
          : /^[0-7]{1,3}/.exec(text.slice(i + 1, i + 4))?.[0]
      out.push(Number.parseInt(digits || '0', 8) & 0xff)
      i += n === '0' ? 1 + (digits?.length ?? 0) : (digits?.length ?? 1)
    } else {
      out.push(92)
    }
  }
  return { bytes: Buffer.from(out), stop: false }
}

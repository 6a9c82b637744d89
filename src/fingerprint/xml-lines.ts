/**
 * Line numbers of the opening tags named `tag`, in document order, skipping comments and CDATA:
 * the XML parser gives no positions, and errors must name a line.
 */
export function tagLines(text: string, tag: string): number[] {
  const lines: number[] = []
  const re = new RegExp(`<!--[\\s\\S]*?-->|<!\\[CDATA\\[[\\s\\S]*?\\]\\]>|<${tag}[\\s>/]`, 'g')
  let line = 1
  let last = 0
  for (const m of text.matchAll(re)) {
    if (m[0].startsWith('<!')) continue
    line += countNewlines(text, last, m.index)
    last = m.index
    lines.push(line)
  }
  return lines
}

/** The line of the first DOCTYPE declaration, if any (we refuse them: entities are an XXE vector). */
export function doctypeLine(text: string): number | undefined {
  const at = text.search(/<!DOCTYPE/i)
  return at < 0 ? undefined : 1 + countNewlines(text, 0, at)
}

function countNewlines(text: string, from: number, to: number): number {
  let n = 0
  for (let i = text.indexOf('\n', from); i >= 0 && i < to; i = text.indexOf('\n', i + 1)) n++
  return n
}

import type { Connection } from '../../core/connection.js'

export interface LineResult {
  /** The first line the server sent. */
  greeting: string
  product?: string
}

/** The line starting at `offset` of what the server sent (without CR LF), or undefined at close. */
export async function readLine(
  conn: Connection,
  offset: number,
): Promise<{ text: string; end: number } | undefined> {
  await conn.readUntil(() => conn.received.indexOf('\n', offset) >= 0)
  const lf = conn.received.indexOf('\n', offset)
  if (lf < 0) return undefined
  return { text: conn.received.subarray(offset, lf).toString('latin1').replace(/\r$/, ''), end: lf + 1 }
}

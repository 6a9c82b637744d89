import { BotConnection } from './bot-connection.js'

/** One step: wait for `expect` in what arrived since the last step, then type `send`. */
export interface ScriptStep {
  expect: string
  send: string
}

/**
 * A client that answers every option with a refusal (as a plain telnet client in line mode would) and
 * then follows `steps`. Resolves with everything received; rejects with it when a step times out.
 */
export async function runScript(
  host: string,
  port: number,
  steps: readonly ScriptStep[],
  options: { localAddress?: string; timeoutMs?: number } = {},
): Promise<string> {
  const conn = await BotConnection.connect(host, port, options.localAddress)
  let transcript = ''
  conn.socket.on('data', (d: Buffer) => {
    transcript += d.toString('latin1')
  })
  try {
    for (const step of steps) {
      const n = await conn.step((buf) => {
        refuseOptions(conn, buf)
        const text = buf.toString('latin1')
        const at = text.indexOf(step.expect)
        return at < 0 ? 0 : at + step.expect.length
      }, options.timeoutMs ?? 5000)
      if (n < 0)
        throw new Error(`never saw ${JSON.stringify(step.expect)}; got ${JSON.stringify(transcript)}`)
      conn.send(step.send)
    }
    // what the last line printed
    await conn.step(() => 0, 300)
    return transcript
  } finally {
    conn.close()
  }
}

const answered = new WeakMap<BotConnection, Set<string>>()

function refuseOptions(conn: BotConnection, buf: Buffer): void {
  const seen = answered.get(conn) ?? new Set<string>()
  answered.set(conn, seen)
  for (let i = 0; i + 2 < buf.length; i++) {
    if (buf[i] !== 0xff) continue
    const verb = buf[i + 1] as number
    const option = buf[i + 2] as number
    const key = `${verb}:${option}`
    if ((verb !== 0xfd && verb !== 0xfb) || seen.has(key)) continue
    seen.add(key)
    conn.send(Buffer.from([0xff, verb === 0xfd ? 0xfc : 0xfe, option]))
  }
}

import { printable } from '../../core/printable.js'
import type { ProtocolModule } from '../../core/protocol-module.js'
import type { Observation } from '../../core/record.js'
import { DeadlineError, IoTimeoutError, ProtocolError } from '../../core/scan-status.js'
import { telnetExposed } from './findings.js'
import { telnetLogin } from './login.js'
import { negotiationBytes, negotiationLine } from './negotiation.js'
import { classifyPrompt } from './prompt.js'
import type { TelnetResult } from './result.js'
import { answer, IAC, optionName, parseTelnet } from './wire.js'

/** Beyond this many we stop answering: a flood gets no more of our bytes. */
const MAX_ANSWERS = 32

export const telnetModule: ProtocolModule<TelnetResult> = {
  name: 'telnet',
  description: 'Telnet option negotiation, banner and login prompt',
  transport: 'tcp',
  defaultPorts: [23, 2323, 2223, 9527, 9530, 992],
  // Mirai 23/2323, Satori 2223, camera telnet 9527, Xiongmai 9530
  portPresets: { iot: [23, 2223, 2323, 9527, 9530], mirai: [23, 2323] },
  detect(reply) {
    if (reply[0] === IAC && (reply[1] ?? 0) >= 0xfb) return true
    const { kind } = classifyPrompt(reply.toString('latin1'))
    return kind === 'login' || kind === 'password'
  },

  newResult: () => ({
    banner: '',
    prompt_kind: 'none',
    will: [],
    do: [],
    wont: [],
    dont: [],
    negotiations: 0,
    truncated: false,
  }),

  async grab({ conn }, result) {
    let text: Buffer = Buffer.alloc(0)
    let pending: Buffer = Buffer.alloc(0)
    let answered = 0
    try {
      while (!conn.isEnded) {
        const chunk = await conn.read()
        if (chunk.length === 0) break
        const parsed = parseTelnet(Buffer.concat([pending, chunk]))
        pending = parsed.rest
        for (const n of parsed.negotiations) {
          result.negotiations++
          const seen = result[n.verb]
          const name = optionName(n.option)
          if (!seen.includes(name) && seen.length < 64) seen.push(name)
          const reply = answer(n)
          if (reply && answered < MAX_ANSWERS) {
            answered++
            await conn.write(reply)
          }
        }
        text = Buffer.concat([text, parsed.text])
        if (classifyPrompt(text.toString('latin1')).kind !== 'none') break
      }
    } catch (err) {
      // silence after a banner is how a telnet server waits for us: not a failure
      const quietAfterBanner = err instanceof IoTimeoutError && !(err instanceof DeadlineError)
      if (!quietAfterBanner || (text.length === 0 && result.negotiations === 0)) {
        finish(result, text, conn.truncated)
        throw err
      }
    }
    finish(result, text, conn.truncated)
    if (text.length === 0 && result.negotiations === 0) throw new Error('connection closed without a banner')
    if (result.negotiations === 0 && /^(?:HTTP\/|SSH-|RTSP\/)/.test(result.banner)) {
      throw new ProtocolError('the reply is another protocol')
    }
  },

  describe(result) {
    const banner = result.banner
    const observations: Observation[] = banner.trim() ? [{ key: 'telnet.banner', value: banner }] : []
    const negotiation = negotiationLine(result)
    if (negotiation) observations.push({ key: 'telnet.negotiation', value: negotiation })
    return { banner, observations }
  },
  matchKeys: ['telnet.banner', 'telnet.negotiation'],
  // nmap's NULL probe hears the negotiation, then the banner
  nmapResponse: (result, banner) => ({ probe: 'NULL', text: `${negotiationBytes(result)}${banner}` }),
  searchFields: [
    {
      name: 'telnet.prompt',
      type: 'text',
      facet: true,
      description: 'substring of the telnet prompt',
      value: (r) => r.prompt,
    },
  ],
  findings: [telnetExposed],
  login: telnetLogin,
}

function finish(result: TelnetResult, text: Buffer, truncated: boolean): void {
  result.banner = printable(text)
  // judged on the text as a terminal shows it (colours and cursor queries removed), kept escaped
  const { kind, prompt } = classifyPrompt(text.toString('latin1'))
  result.prompt_kind = kind
  if (prompt !== undefined) result.prompt = printable(Buffer.from(prompt, 'latin1'))
  result.truncated = truncated
}

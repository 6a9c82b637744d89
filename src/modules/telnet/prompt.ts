export type PromptKind = 'login' | 'password' | 'shell' | 'none'

const LOGIN = /(?:login|username|user name|user|account)\s*:\s*$/i
const PASSWORD = /(?:password|passwd|pass|passcode)\s*:\s*$/i
// `# `, `$ `, `> `, `% `, `[admin@MikroTik] > `, `HG532e> `: a prompt ends the last line
const SHELL = /[#$>%]\s*$/

/** What the last line of a telnet screen asks for. */
export function classifyPrompt(screen: string): { kind: PromptKind; prompt?: string } {
  const lines = screen.split(/\r\n|\r|\n/).filter((l) => l.trim() !== '')
  const last = lines.at(-1)
  if (last === undefined) return { kind: 'none' }
  const prompt = last.trimStart()
  if (PASSWORD.test(last)) return { kind: 'password', prompt }
  if (LOGIN.test(last)) return { kind: 'login', prompt }
  if (SHELL.test(last)) return { kind: 'shell', prompt }
  return { kind: 'none' }
}

export type PromptKind = 'login' | 'password' | 'shell' | 'none'

// CSI (colours, cursor moves, BusyBox's ESC[6n cursor query), OSC (window titles), two-byte escapes,
// charset selection and the 8-bit CSI: terminal control, not text a person reads
const ESCAPES =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: escape sequences are what it matches
  /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[()][0-9A-Za-z]|\x1b[@-Z\\-_]|\x9b[0-?]*[ -/]*[@-~]|\x00/g

/**
 * The screen as a person reads it: escape sequences and NULs removed. The raw bytes stay in the
 * transcript; prompts are judged on this text, so a coloured prompt is still a prompt.
 */
export function screenText(raw: string): string {
  return raw.replace(ESCAPES, '')
}

const LOGIN = /(?:login|username|user name|user|account)\s*:\s*$/i
const PASSWORD = /(?:password|passwd|pass|passcode)\s*:\s*$/i
// `# `, `$ `, `> `, `~ # `, `[root@IPCAM ~]# `, `root@OpenWrt:~# `, `[admin@MikroTik] > `, `HG532e> `:
// words of host, path and user characters, then one prompt character ending the screen
const SHELL = /^(?:[\w.@:~/[\]()+=,-]+(?: [\w.@:~/[\]()+=,-]+){0,3} ?)?[#$>%] ?$/
// `100%`, `50 %`: progress output, not a csh prompt
const PERCENT = /\d ?% ?$/
const MAX_PROMPT = 80

/**
 * What the last line of a telnet screen asks for. A shell prompt must look like one: a short line
 * of host/path characters ending in `#`, `$`, `>` or `%` (not `100%`, not stray control bytes).
 */
export function classifyPrompt(screen: string): { kind: PromptKind; prompt?: string; root?: boolean } {
  const lines = screenText(screen)
    .split(/\r\n|\r|\n/)
    .filter((l) => l.trim() !== '')
  const last = lines.at(-1)
  if (last === undefined) return { kind: 'none' }
  const prompt = last.trimStart()
  if (PASSWORD.test(last)) return { kind: 'password', prompt }
  if (LOGIN.test(last)) return { kind: 'login', prompt }
  if (prompt.length <= MAX_PROMPT && SHELL.test(prompt) && !PERCENT.test(prompt)) {
    return { kind: 'shell', prompt, root: prompt.trimEnd().endsWith('#') }
  }
  return { kind: 'none' }
}

import { classifyPrompt, screenText } from './prompt.js'

/**
 * What a telnet screen says about a login, as pure rules over the text a person would read (escape
 * sequences removed), tested on a corpus of real device screens (fixtures/login-screens.yaml).
 * A success needs positive evidence (a shell or a menu on an open connection); a failure needs an
 * explicit refusal (words, or the question asked again); a disconnect or a busy device is neither.
 * Every decision cites the text that made it.
 */

// negative evidence: what login programs print when they refuse
const FAILURE =
  /\b(?:login incorrect|incorrect|invalid|failed|failure|denied|wrong|bad (?:password|username|user|login)|not (?:allowed|authori[sz]ed|permitted)|authentication error|access error|error)\b/i
// lockout signals: stop trying this device
const LOCKOUT =
  /\b(?:locked|lock ?out|too many (?:failed |login |authentication )?(?:attempts|failures|tries|logins)|try again (?:later|in \d+)|temporarily (?:disabled|blocked|unavailable)|blocked|maximum (?:number of )?(?:login )?attempts)\b/i
// a device whose sessions are all taken: wait and ask again
const BUSY =
  /\b(?:busy|in use|already (?:logged in|connected)|max(?:imum)? (?:number of )?(?:users|connections|sessions|clients)|too many (?:users|connections|sessions|clients)|no more (?:sessions|connections))\b/i
// post-login menus of devices that show a menu, not a shell
const MENU =
  /(?:main menu|enter (?:your )?(?:choice|option|selection)|please (?:select|choose)|type ['"]?help['"]? (?:for|to))/i
// the shell announcing itself (BusyBox's ash/hush banner)
const SHELL_BANNER = /BusyBox v[\d.]+[^\r\n]*built-in shell \((?:ash|hush|msh|lash)\)/

export interface ScreenVerdict {
  verdict: 'success' | 'failure' | 'lockout' | 'busy' | 'dropped'
  reason: string
  /** For a failure: the kind of refusal, compared between real wrong passwords and the audit's controls. */
  refusal?: string
  /** The text that decided it. */
  cited?: string
}

/** The line of `text` a match sits on. */
function lineAt(text: string, index: number): string {
  const start = text.lastIndexOf('\n', index) + 1
  const end = text.indexOf('\n', index)
  return text.slice(start, end === -1 ? undefined : end).trim()
}

/**
 * A refusal's kind: its line with digits and the user name abstracted (`text:login incorrect`),
 * or `reprompt:login` for a device that only asks again.
 */
function refusalKind(line: string, username: string): string {
  let kind = line.toLowerCase()
  if (username) kind = kind.split(username.toLowerCase()).join('<user>')
  return `text:${kind.replace(/\d+/g, '#').replace(/\s+/g, ' ').slice(0, 80)}`
}

/** A lockout or busy message anywhere on the screen. */
function stopSignal(text: string): ScreenVerdict | undefined {
  const lockout = LOCKOUT.exec(text)
  if (lockout) {
    const cited = lineAt(text, lockout.index)
    return { verdict: 'lockout', reason: `lockout message "${cited}"`, cited }
  }
  const busy = BUSY.exec(text)
  if (busy) {
    const cited = lineAt(text, busy.index)
    return { verdict: 'busy', reason: `busy message "${cited}"`, cited }
  }
  return undefined
}

/** A refusal in words, or the login/password question asked again. */
function refusal(text: string, username: string): ScreenVerdict | undefined {
  const failure = FAILURE.exec(text)
  if (failure) {
    const cited = lineAt(text, failure.index)
    return { verdict: 'failure', reason: `refusal "${cited}"`, refusal: refusalKind(cited, username), cited }
  }
  const { kind, prompt } = classifyPrompt(text)
  if (kind === 'login' || kind === 'password') {
    const cited = (prompt as string).trim()
    return { verdict: 'failure', reason: `re-prompt "${cited}"`, refusal: `reprompt:${kind}`, cited }
  }
  return undefined
}

/** The shell prompt ending the screen, with BusyBox's banner when it announced itself. */
function shellPrompt(text: string): { prompt: string; cited: string; root: boolean } | undefined {
  const { kind, prompt, root } = classifyPrompt(text)
  if (kind !== 'shell') return undefined
  const shown = (prompt as string).trimEnd()
  const banner = SHELL_BANNER.exec(text)
  return { prompt: shown, root: root === true, cited: banner ? `${banner[0]} … ${shown}` : shown }
}

export type PreLogin =
  | { kind: 'login' | 'password'; prompt: string }
  | { kind: 'shell'; prompt: string; cited: string; root: boolean }
  | { kind: 'lockout'; cited: string }
  | { kind: 'busy'; cited: string }

/** The first screen: a login or password prompt, an open shell, or a device saying it is busy. */
export function preLogin(raw: string): PreLogin | undefined {
  const text = screenText(raw)
  const stop = stopSignal(text)
  if (stop?.verdict === 'lockout') return { kind: 'lockout', cited: stop.cited as string }
  if (stop) return { kind: 'busy', cited: stop.cited as string }
  const { kind, prompt } = classifyPrompt(text)
  if (kind === 'login' || kind === 'password') return { kind, prompt: (prompt as string).trimEnd() }
  const shell = shellPrompt(text)
  return shell ? { kind: 'shell', ...shell } : undefined
}

export type AfterUsername =
  | { kind: 'password' }
  | { kind: 'shell'; prompt: string; cited: string; root: boolean }
  | ScreenVerdict

/**
 * The screen after the user name was sent (its echo included): the password question, a shell (the
 * account has no password: nothing more may be sent), a refusal, a lockout or a busy device.
 */
export function afterUsername(raw: string, username = ''): AfterUsername | undefined {
  const text = screenText(raw)
  const stop = stopSignal(text)
  if (stop) return stop
  if (classifyPrompt(text).kind === 'password') return { kind: 'password' }
  const refused = refusal(text, username)
  if (refused) return refused
  const shell = shellPrompt(text)
  return shell ? { kind: 'shell', ...shell } : undefined
}

/**
 * Judges the screen after the password. `before` is the last prompt seen before it (the password
 * prompt, or the login prompt of a one-step device): a success prompt must differ from it. A shell
 * prompt ending the screen of an open connection wins over earlier words such as a MOTD's
 * "3 failed login attempts since your last login".
 */
export function afterPassword(
  raw: string,
  before: string,
  closed: boolean,
  username = '',
): ScreenVerdict | undefined {
  const text = screenText(raw)
  const stop = stopSignal(text)
  if (stop) return stop
  const shell = shellPrompt(text)
  if (shell && !closed && shell.prompt !== before.trimEnd()) {
    return { verdict: 'success', reason: `shell prompt "${shell.cited}" after login`, cited: shell.cited }
  }
  const refused = refusal(text, username)
  if (refused) return refused
  if (closed) return { verdict: 'dropped', reason: 'disconnected after the password, without a refusal' }
  const menu = MENU.exec(text)
  if (menu && classifyPrompt(text).prompt?.trimEnd() !== before.trimEnd()) {
    const cited = lineAt(text, menu.index)
    return { verdict: 'success', reason: `post-login menu "${cited}"`, cited }
  }
  return undefined
}

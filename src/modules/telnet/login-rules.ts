import { classifyPrompt } from './prompt.js'

/**
 * What a telnet screen says about a login, as pure rules over text (tested on a corpus of real
 * device screens). Success needs positive evidence; failure needs negative evidence; anything else
 * is unknown. A single token never decides a success.
 */

// negative evidence: what login programs print when they refuse
const FAILURE =
  /\b(?:login incorrect|incorrect|invalid|failed|failure|denied|wrong|bad (?:password|username|user|login)|not (?:allowed|authori[sz]ed|permitted)|authentication error|access error|error)\b/i
// lockout signals: stop trying this device
const LOCKOUT =
  /\b(?:locked|lock ?out|too many (?:failed |login |authentication )?(?:attempts|failures|tries|logins)|try again (?:later|in \d+)|temporarily (?:disabled|blocked|unavailable)|blocked|maximum (?:number of )?(?:login )?attempts)\b/i
// post-login menus of devices that show a menu, not a shell
const MENU =
  /(?:main menu|enter (?:your )?(?:choice|option|selection)|please (?:select|choose)|built-in shell \(|type ['"]?help['"]? (?:for|to))/i

export type PreLogin = { kind: 'login' | 'password'; prompt: string } | { kind: 'shell'; prompt: string }

/** The first screen: which prompt it ends on (MOTDs and banners before it are skipped). */
export function preLoginPrompt(screen: string): PreLogin | undefined {
  const { kind, prompt } = classifyPrompt(screen)
  if (kind === 'none' || prompt === undefined) return undefined
  return { kind, prompt: prompt.trimEnd() }
}

export type AfterUsername = 'password' | 'shell' | 'failure' | 'lockout'

/** The screen after the username was sent (its echo included). */
export function afterUsername(screen: string): AfterUsername | undefined {
  if (LOCKOUT.test(screen)) return 'lockout'
  const { kind } = classifyPrompt(screen)
  if (kind === 'password') return 'password'
  if (FAILURE.test(screen)) return 'failure'
  if (kind === 'login') return 'failure'
  if (kind === 'shell') return 'shell'
  return undefined
}

export interface AfterPassword {
  verdict: 'success' | 'failure' | 'lockout' | 'unknown'
  reason: string
}

/**
 * Judges the screen after the password. `before` is the last prompt seen before it (the password
 * prompt, or the login prompt of a one-step device): a success prompt must differ from it.
 */
export function afterPassword(screen: string, before: string, closed: boolean): AfterPassword | undefined {
  if (LOCKOUT.test(screen)) return { verdict: 'lockout', reason: 'lockout message' }
  const failure = FAILURE.exec(screen)
  if (failure) return { verdict: 'failure', reason: `refusal "${failure[0]}"` }
  const { kind, prompt } = classifyPrompt(screen)
  if (kind === 'login' || kind === 'password')
    return { verdict: 'failure', reason: `re-prompt "${prompt?.trim()}"` }
  if (closed) return { verdict: 'failure', reason: 'disconnected after the password' }
  const last = prompt?.trimEnd()
  if (kind === 'shell' && last !== undefined && last !== before.trimEnd()) {
    return { verdict: 'success', reason: `shell prompt "${last}" after login` }
  }
  if (MENU.test(screen) && last !== before.trimEnd()) {
    return { verdict: 'success', reason: 'post-login menu' }
  }
  return undefined
}

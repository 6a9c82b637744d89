import type { PromptKind } from './prompt.js'

export interface TelnetResult {
  /** Everything the server showed before its first prompt, commands removed. */
  banner: string
  /** The prompt line the server ended on, if any. */
  prompt?: string
  prompt_kind: PromptKind
  /** Options the server offered or asked for, by name. */
  will: string[]
  do: string[]
  wont: string[]
  dont: string[]
  /** How many negotiations the server sent (an IAC flood shows here). */
  negotiations: number
  truncated: boolean
}

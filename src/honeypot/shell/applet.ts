import type { DeviceProfile } from '../device-profile.js'
import type { SessionFs } from './session-fs.js'

/** A download an attacker asked for: recorded for the event log, never fetched. */
export interface DownloadRequest {
  url: string
  /** The file the attacker wanted it saved as, when it said. */
  destfile?: string
}

export interface ShellContext {
  readonly profile: DeviceProfile
  readonly fs: SessionFs
  onDownload(request: DownloadRequest): void
}

/** What one emulated command printed (text with \n line ends, or raw bytes) and its exit status. */
export interface AppletResult {
  out: Buffer
  status: number
  /** The session ends (exit, logout). */
  exit?: boolean
}

/** An emulated applet: reads its arguments and the previous command's output, touches only `ctx`. */
export type Applet = (ctx: ShellContext, argv: readonly string[], stdin: Buffer) => AppletResult

export const ok = (text = ''): AppletResult => ({ out: Buffer.from(text, 'latin1'), status: 0 })
export const fail = (text: string, status = 1): AppletResult => ({ out: Buffer.from(text, 'latin1'), status })

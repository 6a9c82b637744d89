/** Bounds every session lives under; the CLI's flags set them, tests shrink them. */
export interface SessionLimits {
  /** Whole session, from connect (default 300 s). */
  sessionMs: number
  /** Without any byte from the client (default 60 s, BusyBox login's own timeout). */
  idleMs: number
  /** Bytes the client may send in all (default 1 MiB: an echo upload of a bot binary fits). */
  bytesIn: number
  /** Lines typed at the shell (default 1,000). */
  commands: number
  /** Longest line kept; the rest of a longer line is read and dropped (default 4 KiB). */
  lineBytes: number
  /** Wrong logins before the connection is closed (default 3, as BusyBox login). */
  loginAttempts: number
  /** Pause before "Login incorrect" (default 1 s; BusyBox login waits too). */
  failDelayMs: number
  /** Output the client has not read, past which the session is dropped (default 256 KiB). */
  unreadBytes: number
}

export const DEFAULT_LIMITS: SessionLimits = {
  sessionMs: 300_000,
  idleMs: 60_000,
  bytesIn: 1024 * 1024,
  commands: 1000,
  lineBytes: 4096,
  loginAttempts: 3,
  failDelayMs: 1000,
  unreadBytes: 256 * 1024,
}

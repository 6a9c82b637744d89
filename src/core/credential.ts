/** One dictionary entry: a username/password pair with where it comes from. */
export interface Credential {
  /** Stable kebab-case id (`mirai-01`, `hikvision-admin-1`); never contains the password. */
  id: string
  username: string
  password: string
  /** Where the fact comes from (source file, row or entry). */
  source: string
  /** Protocols the default applies to; absent means any. */
  protocols?: string[]
}

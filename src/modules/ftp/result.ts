export interface FtpResult {
  /** The greeting's text without its reply code(s). */
  banner: string
  banner_code?: number
  /** FEAT features, when the server lists them before login. */
  features?: string[]
  /** SYST reply text, when allowed before login. */
  syst?: string
  /** AUTH TLS offered (FEAT or AUTH reply). */
  auth_tls?: boolean
  /** USER anonymous was accepted with a placeholder e-mail password; the session is closed at once. */
  anonymous?: boolean
  /** The reply to the anonymous attempt's last step. */
  anonymous_reply?: string
}

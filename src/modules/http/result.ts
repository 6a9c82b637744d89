export interface HttpAuthChallenge {
  scheme: string
  realm?: string
  /** The whole WWW-Authenticate value. */
  raw: string
  /** The path that asked for credentials (what the credential audit logs in to). */
  path: string
}

export interface HttpResult {
  request: { method: 'GET'; path: string }
  protocol?: string
  status_code?: number
  status_line?: string
  headers: [string, string][]
  server?: string
  title?: string
  /** Not followed: a redirect is recorded, never chased off the target. */
  location?: string
  www_authenticate?: HttpAuthChallenge
  body_length: number
  body_sha256?: string
  /** The first bytes of the body as text, for search and fingerprinting. */
  body?: string
  truncated: boolean
}

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
  favicon?: HttpExtras['favicon']
  robots_txt?: HttpExtras['robots_txt']
}

/** Fetched beside the front page (see extras.ts). */
export interface HttpExtras {
  favicon?: {
    path: string
    status_code: number
    size: number
    /** MD5 hex of the icon bytes (Recog favicons.xml). */
    md5?: string
    /** Shodan's http.favicon.hash (mmh3 of the base64 text, signed). */
    mmh3?: number
  }
  robots_txt?: { present: boolean; status_code: number; disallow?: string[] }
}

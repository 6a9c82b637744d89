export interface RtspAuth {
  scheme: string
  realm?: string
}

interface RtspDescribe {
  path: string
  status_code: number
  auth?: RtspAuth
}

export interface RtspResult {
  /** OPTIONS status line. */
  status_line?: string
  server?: string
  /** Methods the server lists in `Public`. */
  public?: string[]
  /** DESCRIBE attempts in order, ending at the first that answered 200 or asked for credentials. */
  describe: RtspDescribe[]
  /** The challenge of the first DESCRIBE that asked for credentials. */
  auth?: RtspAuth
  /** A stream description was returned without any credential (a path, its SDP summary). */
  unauthenticated_stream?: { path: string; session?: string; media: string[] }
}

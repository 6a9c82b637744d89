export interface TlsCertificate {
  /** RFC 4514 order, as Recog's x509_subjects: `CN=...,O=...,C=..`. */
  subject: string
  subject_cn?: string
  issuer: string
  /** `DNS:name`, `IP Address:a.b.c.d`, ... */
  sans: string[]
  not_before: string
  not_after: string
  /** Past its not-after at grab time (recorded, never a reason to skip). */
  expired: boolean
  /** Hex, lower case. */
  serial: string
  key_type: string
  key_bits?: number
  curve?: string
  /** SHA-256 of the DER, hex: the same value on many hosts means a vendor default certificate. */
  fingerprint: string
  /** Issued by itself and its signature verifies with its own key. */
  self_signed: boolean
}

export interface TlsResult {
  /** `TLSv1.2`, `TLSv1.3`, ... */
  version?: string
  cipher?: { name: string; standard_name?: string }
  alpn?: string
  /** The server's certificate. */
  cert?: TlsCertificate
  /** The rest of the chain the server sent, in order (bounded). */
  chain: TlsCertificate[]
  /** Certificates that did not parse (their position in the chain and why). */
  bad_certificates?: string[]
  /** The protocol spoken inside TLS on this port, when mamori knows it (https, mqtts, rtsps). */
  wrapped?: { protocol: string; status: string; result?: unknown; error?: string }
}

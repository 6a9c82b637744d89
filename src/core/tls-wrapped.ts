/** What the tls module records of the protocol it spoke inside TLS on a record's port. */
export interface TlsWrapped {
  protocol?: string
  status?: string
  result?: unknown
}

/**
 * The protocol spoken inside TLS (HTTPS on 443, MQTT on 8883), kept by the tls module under
 * `data.tls.wrapped`: the findings rules and the store's search columns read it as they read
 * `data.<protocol>`.
 */
export function tlsWrapped(data: Record<string, unknown>): TlsWrapped | undefined {
  return (data.tls as { wrapped?: TlsWrapped } | undefined)?.wrapped
}

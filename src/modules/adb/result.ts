export interface AdbResult {
  /** The device answered our CNXN with its own: a shell is one command away, without any key. */
  connected: boolean
  /** The device asked for RSA key authentication (AUTH) or TLS pairing (STLS) first. */
  auth_required: boolean
  /** The first message's command (CNXN, AUTH, STLS). */
  reply?: string
  protocol_version?: string
  system_type?: string
  serial?: string
  /** ro.product.name, ro.product.model, ro.product.device... as the banner lists them. */
  properties?: Record<string, string>
  features?: string[]
}

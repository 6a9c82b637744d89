export const TRANSPORTS = ['tcp', 'udp'] as const
export type Transport = (typeof TRANSPORTS)[number]

/** One service endpoint: an IPv4 address in dotted form, a port and a transport. */
export interface Target {
  readonly ip: string
  readonly port: number
  readonly transport: Transport
}

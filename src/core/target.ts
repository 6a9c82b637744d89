export type Transport = 'tcp' | 'udp'

/** One service endpoint: an IPv4 address in dotted form, a port and a transport. */
export interface Target {
  readonly ip: string
  readonly port: number
  readonly transport: Transport
}

export function targetKey(t: Target): string {
  return `${t.ip}:${t.port}/${t.transport}`
}

import type { Connection, ConnectionLimits } from './connection.js'
import type { LoginVerifier } from './login-verifier.js'
import type { Observation } from './record.js'
import type { ScanStatus } from './scan-status.js'
import type { Target, Transport } from './target.js'
import type { UdpExchange } from './udp.js'

/** What a module gets for one grab: an open connection the framework owns, and a way to open another. */
export interface GrabContext {
  readonly target: Target
  readonly conn: Connection
  readonly limits: ConnectionLimits
  /** A fresh connection to the same target under the same limits (closed by the framework). */
  redial(): Promise<Connection>
  /** UDP modules only: the framework's datagram exchange with the target (they do not use `conn`). */
  readonly udp?: UdpExchange
  /**
   * The scope allows the credential audit. Some identification needs a credential (an SNMP
   * community string): modules only send one when this is true.
   */
  readonly credentialAudit?: boolean
}

/** Every grab ends in a status; `result` holds whatever was learnt, even on failure. */
export interface GrabOutcome<R> {
  status: ScanStatus
  result?: R
  error?: string
}

/**
 * A protocol plug-in (zgrab2's Module + Scanner in one). A module speaks just enough of its
 * protocol to identify the device; it never dials, never sets timeouts, never logs in here.
 *
 * @example
 * export const telnetModule: ProtocolModule<TelnetResult> = {
 *   name: 'telnet', description: 'Telnet banner and login prompt', transport: 'tcp',
 *   defaultPorts: [23, 2323], detect: (reply) => reply[0] === 0xff || /login:/i.test(reply.toString()),
 *   grab: async (ctx) => ..., describe: (r) => ({ banner: r.banner, observations: [...] }),
 * }
 */
export interface ProtocolModule<R = unknown> {
  /** One lower-case token: folder, record `protocol`, `data` key and match-key prefix. */
  readonly name: string
  readonly description: string
  readonly transport: Transport
  /** Ports where this module is tried first. */
  readonly defaultPorts: readonly number[]
  /**
   * Whether a reply looks like this protocol: the bytes a silent-by-default server sent first,
   * or its answer to the generic probe. Lets the reply, not the port, decide.
   */
  detect?(reply: Buffer): boolean
  grab(ctx: GrabContext): Promise<GrabOutcome<R>>
  /** The record's banner and the texts fingerprinting matches on, derived from a result. */
  describe(result: R): { banner: string; observations: Observation[] }
  /** How to log in, for the credential audit: a module with a login is audited (login.ts beside it). */
  readonly login?: LoginVerifier<R>
}

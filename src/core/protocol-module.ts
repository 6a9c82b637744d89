import type { Connection, ConnectionLimits } from './connection.js'
import type { LoginVerifier } from './login-verifier.js'
import { printable } from './printable.js'
import type { Finding, Observation, ScanRecord } from './record.js'
import { type ScanStatus, statusFromError } from './scan-status.js'
import type { ModuleSearchField } from './search-field.js'
import type { Target, Transport } from './target.js'
import type { UdpExchange } from './udp.js'

/** What a module gets for one grab: an open connection the framework owns, and a way to open another. */
export interface GrabContext {
  readonly target: Target
  /** TCP modules: the open connection (already inside TLS on one of the module's `tlsPorts`). */
  readonly conn: Connection
  readonly limits: ConnectionLimits
  /** A fresh connection to the same target under the same limits (closed by the framework). */
  redial(): Promise<Connection>
  /** UDP modules: the framework's datagram exchange with the target (they do not use `conn`). */
  readonly udp: UdpExchange
  /**
   * The scope allows the credential audit. Some identification needs a credential (an SNMP
   * community string): modules only send one when this is true.
   */
  readonly credentialAudit?: boolean
}

/** How a grab that returned (rather than threw) ended: `success` unless it says otherwise. */
interface GrabEnd {
  status?: ScanStatus
  /** What went wrong part of the way (kept in the outcome, even beside `success`). */
  error?: string
}

/** Every grab ends in a status; `result` holds whatever was learnt, even on failure. */
export interface GrabOutcome<R> {
  status: ScanStatus
  result?: R
  error?: string
}

/** What a module's result shows: the record's banner and the texts fingerprinting matches on. */
interface Description {
  banner: string
  observations: Observation[]
}

/** What one of nmap's probes (`NULL`: listen; `GetRequest`: `GET / HTTP/1.0`) would have received. */
export interface NmapResponse {
  probe: 'NULL' | 'GetRequest'
  text: string
}

/** A finding a protocol's own result proves (an open broker, telnet exposed), one type per rule. */
export interface FindingRule<R> {
  readonly type: string
  /** `result` is the module's successful result, spoken directly or inside TLS. */
  assess(result: R, record: ScanRecord): Finding | undefined
}

/**
 * A protocol plug-in (zgrab2's Module + Scanner in one): everything mamori knows about one protocol
 * is declared here, and the framework applies it. A module speaks just enough of its protocol to
 * identify the device; it never dials, never sets timeouts, never logs in from `grab`, and never
 * maps errors to statuses (the framework does, once: see runGrab).
 *
 * @example
 * export const telnetModule: ProtocolModule<TelnetResult> = {
 *   name: 'telnet', description: 'Telnet banner and login prompt', transport: 'tcp',
 *   defaultPorts: [23, 2323], portPresets: { iot: [23, 2323], mirai: [23, 2323] },
 *   detect: (reply) => reply[0] === 0xff, newResult: () => ({ banner: '' }),
 *   grab: async ({ conn }, result) => { result.banner = printable(await conn.read()) },
 *   describe: (r) => ({ banner: r.banner, observations: [{ key: 'telnet.banner', value: r.banner }] }),
 *   matchKeys: ['telnet.banner'], login: telnetLogin, findings: [telnetExposed],
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
   * Ports where this protocol runs inside TLS (HTTPS on 443, MQTT on 8883): the framework does the
   * handshake, records it as a `tls` record and grabs this module over the secured connection.
   */
  readonly tlsPorts?: readonly number[]
  /** This protocol's ports in the named port lists (`--ports iot`): `{ iot: [23, 2323] }`. */
  readonly portPresets?: Readonly<Record<string, readonly number[]>>
  /**
   * Whether a reply looks like this protocol: the bytes a silent-by-default server sent first,
   * or its answer to the generic probe. Lets the reply, not the port, decide.
   */
  detect?(reply: Buffer): boolean
  /** A fresh, empty result for one grab to fill in. */
  newResult(): R
  /**
   * Fills `result` over the framework's connection. A failure is thrown: the framework maps it to
   * a status and keeps what `result` holds by then. Returns only to say more than `success`.
   */
  grab(ctx: GrabContext, result: R): Promise<GrabEnd | undefined>
  /** The record's banner and the texts fingerprinting matches on, derived from a result. */
  describe(result: R): Description
  /** Every observation key `describe` emits (the fingerprint rule linter checks rules against them). */
  readonly matchKeys: readonly string[]
  /**
   * What nmap's probes would have received from this service, rebuilt from the result (and the
   * record's banner), so nmap's match lines apply without another exchange.
   */
  nmapResponse?(result: R, banner: string): NmapResponse | undefined
  /** Search fields this protocol adds to the search language (`http.title`). */
  readonly searchFields?: readonly ModuleSearchField<R>[]
  /** The findings this protocol's result can prove. */
  readonly findings?: readonly FindingRule<R>[]
  /** How to log in, for the credential audit: a module with a login is audited (login.ts beside it). */
  readonly login?: LoginVerifier<R>
}

/** An error message as a record keeps it: it may quote the device's bytes, so it is escaped and bounded. */
function errorText(message: unknown): string {
  return printable(Buffer.from(String(message)), 1024)
}

/**
 * Runs one module's grab on a context the framework set up: the only place a grab's error becomes
 * a status, with the partial result kept.
 */
export async function runGrab<R>(module: ProtocolModule<R>, ctx: GrabContext): Promise<GrabOutcome<R>> {
  const result = module.newResult()
  try {
    const end = await module.grab(ctx, result)
    const outcome: GrabOutcome<R> = { status: end?.status ?? 'success', result }
    if (end?.error !== undefined) outcome.error = errorText(end.error)
    return outcome
  } catch (err) {
    return {
      status: statusFromError(err),
      result,
      error: errorText((err as Error | undefined)?.message ?? err),
    }
  }
}

import { Connection, type ConnectionLimits, DEFAULT_LIMITS } from '../core/connection.js'
import { printable } from '../core/printable.js'
import { type GrabContext, type GrabOutcome, type ProtocolModule, runGrab } from '../core/protocol-module.js'
import type { ScanRecord } from '../core/record.js'
import { type ScanStatus, statusFromError } from '../core/scan-status.js'
import type { Target } from '../core/target.js'
import { UdpExchange, type UdpLimits } from '../core/udp.js'
import { grabbers } from './grabbers.js'
import { moduleForPort, moduleForReply } from './module-selection.js'

export interface GrabOptions {
  scanId: string
  limits?: Partial<ConnectionLimits>
  /** The protocol modules to choose from (default: the built-in list); TLS is applied where they declare it. */
  modules?: readonly ProtocolModule<unknown>[]
  udpLimits?: Partial<UdpLimits>
  /** The scan may try credentials (`--audit-credentials` within scope): e.g. SNMP's `public` community. */
  credentialAudit?: boolean
  /** How long a port with no known protocol may stay silent before we send the generic probe. */
  bannerWaitMs?: number
}

/** nmap's GetRequest: most services answer it with something that names their protocol. */
const GENERIC_PROBE = 'GET / HTTP/1.0\r\n\r\n'

/**
 * Grabs one open service and returns its record. The port suggests a module; when that module
 * finds another protocol (or none fits the port), the reply decides: first what the server sent
 * unprompted, then its answer to a generic probe.
 */
export async function grabService(target: Target, options: GrabOptions): Promise<ScanRecord> {
  const limits = { ...DEFAULT_LIMITS, ...options.limits }
  const modules = grabbers(options.modules)
  const opened: Connection[] = []
  const dial = async () => {
    const conn = await Connection.open(target, limits)
    opened.push(conn)
    return conn
  }
  const run = async (module: ProtocolModule<unknown>, conn?: Connection): Promise<Attempt> => {
    const used = conn ?? (await dial())
    const outcome = await runGrab(module, {
      target,
      conn: used,
      limits,
      redial: dial,
      credentialAudit: options.credentialAudit === true,
      get udp(): UdpExchange {
        throw new Error(`${module.name} is a TCP module: it has no UDP exchange`)
      },
    })
    return { module, outcome, received: used.received }
  }
  const finish = (attempt: Attempt) => toRecord(target, options.scanId, attempt)

  if (target.transport === 'udp') return grabDatagrams(target, options, modules)
  try {
    const suggested = moduleForPort(modules, target)
    let first: Attempt | undefined
    let heard: Buffer
    if (suggested) {
      first = await run(suggested)
      if (first.outcome.status === 'success' || first.outcome.status === 'connection-refused')
        return finish(first)
      heard = first.received
    } else {
      const conn = await dial()
      heard = await conn.readFor(options.bannerWaitMs ?? Math.min(limits.readTimeoutMs, 1500))
      const spoken = moduleForReply(modules, heard)
      if (spoken) {
        conn.rewind()
        return finish(await run(spoken, conn))
      }
    }

    const byBanner = moduleForReply(modules, heard, suggested)
    if (byBanner) return finish(await run(byBanner))

    const probe = await dial()
    await probe.write(GENERIC_PROBE)
    const answer = await probe.readFor(limits.readTimeoutMs)
    const byAnswer = moduleForReply(modules, answer, suggested)
    if (byAnswer) return finish(await run(byAnswer))

    if (first) return finish(first)
    const raw = heard.length > 0 ? heard : answer
    return unknownRecord(target, options.scanId, raw.length > 0 ? 'success' : 'io-timeout', raw)
  } catch (err) {
    return failedRecord(target, options.scanId, err)
  } finally {
    for (const conn of opened) conn.close()
  }
}

/** UDP has no reply to listen for unprompted: only the port's module can ask the right question. */
async function grabDatagrams(
  target: Target,
  options: GrabOptions,
  modules: readonly ProtocolModule<unknown>[],
): Promise<ScanRecord> {
  const module = moduleForPort(modules, target)
  if (!module)
    return unknownRecord(
      target,
      options.scanId,
      'protocol-error',
      Buffer.alloc(0),
      'no UDP module for this port',
    )
  let udp: UdpExchange | undefined
  const opened: Connection[] = []
  try {
    udp = await UdpExchange.open(target, options.udpLimits)
    const exchange = udp
    const limits = { ...DEFAULT_LIMITS, ...options.limits }
    const ctx: GrabContext = {
      target,
      limits,
      udp: exchange,
      credentialAudit: options.credentialAudit === true,
      get conn(): Connection {
        throw new Error(`${module.name} is a UDP module: it has no TCP connection`)
      },
      redial: async () => {
        const conn = await Connection.open({ ...target, transport: 'tcp' }, limits)
        opened.push(conn)
        return conn
      },
    }
    const outcome = await runGrab(module, ctx)
    return toRecord(target, options.scanId, { module, outcome, received: Buffer.alloc(0) })
  } catch (err) {
    return failedRecord(target, options.scanId, err)
  } finally {
    udp?.close()
    for (const conn of opened) conn.close()
  }
}

interface Attempt {
  module: ProtocolModule<unknown>
  outcome: GrabOutcome<unknown>
  /** Every byte the peer sent on the module's connection. */
  received: Buffer
}

function toRecord(target: Target, scanId: string, { module, outcome, received }: Attempt): ScanRecord {
  const record = baseRecord(target, scanId, module.name, outcome.status)
  if (outcome.result !== undefined) {
    record.data[module.name] = outcome.result
    record.banner = module.describe(outcome.result).banner
  }
  // a grab that failed half-way still shows what the peer said
  if (record.banner === '' && received.length > 0) record.banner = printable(received, 1024)
  if (outcome.error !== undefined && outcome.status !== 'success') record.error = outcome.error
  return record
}

/** The grab could not even start (the connect failed): the error is all there is. */
function failedRecord(target: Target, scanId: string, err: unknown): ScanRecord {
  return unknownRecord(target, scanId, statusFromError(err), Buffer.alloc(0), (err as Error).message)
}

/** A service that answered in no protocol we know: what it said is still the banner. */
function unknownRecord(target: Target, scanId: string, status: ScanStatus, raw: Buffer, error?: string) {
  const record = baseRecord(target, scanId, 'unknown', status)
  record.banner = printable(raw, 1024)
  record.data.unknown = { bytes: raw.length, hex: raw.subarray(0, 256).toString('hex') }
  if (error !== undefined) record.error = error
  return record
}

function baseRecord(target: Target, scanId: string, protocol: string, status: ScanStatus): ScanRecord {
  return {
    ip: target.ip,
    port: target.port,
    transport: target.transport,
    protocol,
    timestamp: new Date().toISOString(),
    scan_id: scanId,
    status,
    banner: '',
    data: {},
  }
}

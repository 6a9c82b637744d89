/** How one grab ended (zgrab2's vocabulary). Partial results are kept whatever the status. */
export const SCAN_STATUSES = [
  'success',
  'connection-refused',
  'io-timeout',
  'io-error',
  'protocol-error',
] as const
export type ScanStatus = (typeof SCAN_STATUSES)[number]

/** The peer sent something this protocol cannot make sense of. */
export class ProtocolError extends Error {
  override name = 'ProtocolError'
}

/** A read or connect deadline passed. */
export class IoTimeoutError extends Error {
  override name = 'IoTimeoutError'
}

/** The whole exchange ran past its deadline (a trickling or endless peer); what came is kept. */
export class DeadlineError extends IoTimeoutError {
  override name = 'DeadlineError'
}

/** Maps any error thrown during a grab to its status, in one place. */
export function statusFromError(err: unknown): ScanStatus {
  if (err instanceof ProtocolError) return 'protocol-error'
  // an OpenSSL failure means the peer spoke broken or non-TLS bytes, not that the network failed
  const e = err as { code?: unknown; library?: unknown } | null
  if ((typeof e?.code === 'string' && e.code.startsWith('ERR_SSL')) || e?.library !== undefined) {
    return 'protocol-error'
  }
  if (err instanceof IoTimeoutError) return 'io-timeout'
  const code = e?.code
  if (code === 'ECONNREFUSED') return 'connection-refused'
  if (code === 'ETIMEDOUT' || code === 'ABORT_ERR' || (err as Error | null)?.name === 'TimeoutError') {
    return 'io-timeout'
  }
  return 'io-error'
}

/**
 * A stage stopped by the scan's interrupt before it finished a record (an audit cut short): the
 * record is not written and its target stays unfinished, so `--resume` does it again whole.
 */
export class ScanInterruptedError extends Error {
  constructor(what: string) {
    super(`${what}: the scan was interrupted`)
    this.name = 'ScanInterruptedError'
  }
}

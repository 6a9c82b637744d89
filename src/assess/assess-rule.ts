import type { Finding, ScanRecord } from '../core/record.js'
import { tlsWrapped } from '../core/tls-wrapped.js'

/** One finding type: looks at one record and says whether (and how badly) it applies. */
export interface AssessRule {
  readonly type: string
  assess(record: ScanRecord): Finding | undefined
}

/**
 * A module's result in a record, whether the service spoke it directly (`data.mqtt`) or inside
 * TLS on its TLS port (`data.tls.wrapped` with protocol `mqtt`).
 */
export function protocolData<T>(record: ScanRecord, protocol: string): T | undefined {
  if (record.status !== 'success') return undefined
  const direct = record.data[protocol]
  if (direct !== undefined) return direct as T
  const wrapped = tlsWrapped(record.data)
  if (wrapped?.protocol === protocol && wrapped.status === 'success') return wrapped.result as T
  return undefined
}

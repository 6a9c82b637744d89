import type { ScanRecord } from '../core/record.js'

/** A successful TCP record with an empty banner, for tests that care about one or two fields. */
export function scanRecord(over: Partial<ScanRecord> & Pick<ScanRecord, 'ip' | 'port'>): ScanRecord {
  return {
    transport: 'tcp',
    protocol: 'unknown',
    timestamp: '2026-11-25T10:00:00.000Z',
    scan_id: 's-test',
    status: 'success',
    banner: '',
    data: {},
    ...over,
  }
}

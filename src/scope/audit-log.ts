import { appendFile, mkdir } from 'node:fs/promises'
import { homedir, userInfo } from 'node:os'
import { dirname, join } from 'node:path'
import { MamoriError } from '../core/errors.js'
import { jsonLine } from '../core/escape.js'
import { formatIPv4 } from '../core/ipv4.js'
import type { IPv4RangeSet } from './range-set.js'
import type { ResolvedTarget } from './scope.js'

/** One line of the audit log: who scanned what, when, under which scope. */
export interface AuditEntry {
  time: string
  user: string
  scan_id: string
  scope: string
  scope_file_hash: string | null
  /** As typed (`@file`, hostnames and all). */
  targets: string[]
  /** What the targets stood for once files were read and names resolved (see scannedSummary). */
  scanned: ScannedSummary
  ports: string
  options: Record<string, unknown>
}

export interface ScannedSummary {
  /** How many addresses the scan may touch (after exclusions). */
  addresses: number
  /** Those addresses as CIDR blocks where a range is exactly one, else `first-last`. */
  ranges: string[]
  /** Each hostname (typed or in a list file) and the addresses it resolved to. */
  hostnames: Record<string, string[]>
}

/** The audit log's record of what a scan really covers, beyond what the user typed. */
export function scannedSummary(addresses: IPv4RangeSet, targets: readonly ResolvedTarget[]): ScannedSummary {
  const hostnames: Record<string, string[]> = {}
  for (const t of targets) if (t.hostname) hostnames[t.text] = formatRanges(t.addresses)
  return { addresses: addresses.size, ranges: formatRanges(addresses), hostnames }
}

function formatRanges(set: IPv4RangeSet): string[] {
  return set.ranges.map(([s, e]) => {
    if (s === e) return formatIPv4(s)
    const size = e - s + 1
    const prefix = 32 - Math.log2(size)
    // one CIDR block: a power-of-two size starting on a multiple of it
    return Number.isInteger(prefix) && s % size === 0
      ? `${formatIPv4(s)}/${prefix}`
      : `${formatIPv4(s)}-${formatIPv4(e)}`
  })
}

/** Where the audit log goes unless the user says otherwise: $MAMORI_AUDIT_LOG or ~/.mamori/audit.jsonl. */
export function defaultAuditLogPath(): string {
  return process.env.MAMORI_AUDIT_LOG || join(homedir(), '.mamori', 'audit.jsonl')
}

export function currentUser(): string {
  try {
    return userInfo().username
  } catch {
    return process.env.USER ?? String(process.getuid?.() ?? 'unknown')
  }
}

/** Appends one JSON line; a scan that cannot be logged does not run. */
export async function appendAuditEntry(path: string, entry: AuditEntry): Promise<void> {
  try {
    await mkdir(dirname(path), { recursive: true })
    await appendFile(path, jsonLine(entry), { mode: 0o600 })
  } catch (err) {
    throw new MamoriError('ERR_IO', `cannot append to audit log ${path}: ${(err as Error).message}`)
  }
}

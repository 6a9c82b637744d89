import { appendFile, mkdir } from 'node:fs/promises'
import { homedir, userInfo } from 'node:os'
import { dirname, join } from 'node:path'
import { MamoriError } from '../core/errors.js'

/** One line of the audit log: who scanned what, when, under which scope. */
export interface AuditEntry {
  time: string
  user: string
  scan_id: string
  scope: string
  scope_file_hash: string | null
  targets: string[]
  ports: string
  options: Record<string, unknown>
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
    await appendFile(path, `${JSON.stringify(entry)}\n`, { mode: 0o600 })
  } catch (err) {
    throw new MamoriError('ERR_IO', `cannot append to audit log ${path}: ${(err as Error).message}`)
  }
}

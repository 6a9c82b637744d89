/**
 * One catalogue of mamori's error codes (as fastify keeps its FST_ERR_* in one place).
 * A code says which area failed and what; its exit code follows the CLI convention:
 * 2 = bad usage or refused input (out of scope, bad query, bad file), 1 = the work itself failed.
 */
const ERROR_EXIT_CODES = {
  ERR_USAGE: 2,
  ERR_TARGET_SYNTAX: 2,
  ERR_PORT_SYNTAX: 2,
  ERR_SCOPE_FILE: 2,
  ERR_SCOPE_REFUSED: 2,
  ERR_RESUME: 2,
  ERR_DATA_INVALID: 1,
  ERR_IO: 1,
  ERR_LAB: 1,
  ERR_DISCOVERY: 1,
  ERR_GRAB: 1,
  ERR_STORE: 1,
  ERR_IMPORT: 2,
  ERR_QUERY_SYNTAX: 2,
  ERR_QUERY_UNKNOWN_FIELD: 2,
  ERR_QUERY_VALUE: 2,
  ERR_FP_BAD_PATTERN: 1,
  ERR_FP_LOAD: 2,
  ERR_AUDIT_REFUSED: 2,
  ERR_AUDIT: 1,
  ERR_VULN_IMPORT: 2,
  ERR_VULN_SYNC: 1,
  ERR_CPE_SYNTAX: 2,
  ERR_NOT_FOUND: 1,
} as const

export type ErrorCode = keyof typeof ERROR_EXIT_CODES

/** An expected failure with a code; front ends map it to an exit code or HTTP status. */
export class MamoriError extends Error {
  readonly code: ErrorCode
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'MamoriError'
    this.code = code
  }

  get exitCode(): number {
    return ERROR_EXIT_CODES[this.code]
  }
}

export function isMamoriError(err: unknown): err is MamoriError {
  return err instanceof MamoriError
}

import { join } from 'node:path'
import { repoRoot } from '../core/paths.js'

/**
 * Third-party public data for tests only (../shared/data beside the checkout, read-only).
 * The product never reads it at run time.
 */
export function sharedData(...parts: string[]): string {
  return join(repoRoot, '..', 'shared', 'data', ...parts)
}

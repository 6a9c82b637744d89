import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

function findRepoRoot(start: string): string {
  let dir = start
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir)
    if (up === dir) throw new Error(`no package.json above ${start}`)
    dir = up
  }
  return dir
}

/** The package's root folder, whether running from src/ (tsx) or dist/src/ (built). */
export const repoRoot = findRepoRoot(dirname(fileURLToPath(import.meta.url)))

/** mamori's own knowledge files (fingerprints, credentials, presets): part of the product. */
export function dataPath(...parts: string[]): string {
  return join(repoRoot, 'data', ...parts)
}

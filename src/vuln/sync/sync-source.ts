import { MamoriError } from '../../core/errors.js'
import type { VulnDb } from '../db/vuln-db.js'
import { importInputs } from '../import/import-inputs.js'
import { HttpFetcher } from './http-fetcher.js'
import { syncJvn } from './jvn-sync.js'
import { syncNvd } from './nvd-sync.js'

const KEV_URL = 'https://www.cisa.gov/sites/default/files/feeds/known_exploited_vulnerabilities.json'

export interface SyncOptions {
  url?: string
  apiKey?: string
  since?: string
  fetchImpl?: typeof fetch
  onProgress?: (msg: string) => void
}

function parseSince(s: string | undefined): Date | undefined {
  if (s === undefined) return undefined
  const d = new Date(s)
  if (Number.isNaN(d.getTime()))
    throw new MamoriError('ERR_USAGE', `--since "${s.slice(0, 40)}" is not a date`)
  return d
}

/** `vuln sync nvd|kev|jvn`: runs one online client; returns its summary plus a line of text. */
export async function syncSource(
  db: VulnDb,
  source: string,
  opts: SyncOptions,
): Promise<Record<string, unknown> & { text: string }> {
  const since = parseSince(opts.since)
  const common = { fetchImpl: opts.fetchImpl, onProgress: opts.onProgress }
  switch (source) {
    case 'nvd': {
      const s = await syncNvd(db, { ...common, baseUrl: opts.url, apiKey: opts.apiKey, since })
      return {
        source,
        ...s,
        text: `NVD: ${s.requests} requests, imported ${s.imported}, updated ${s.updated}, unchanged ${s.unchanged}, rejected ${s.rejected}; complete until ${s.completedUntil}\nThis product uses data from the NVD API but is not endorsed or certified by the NVD.`,
      }
    }
    case 'kev': {
      const fetcher = new HttpFetcher({
        fetchImpl: opts.fetchImpl,
        onRetry: opts.onProgress,
        backoffMs: 2000,
      })
      const s = await importInputs(db, [opts.url ?? KEV_URL], {
        fetchImpl: ((url: string | URL) => fetcher.get(String(url))) as typeof fetch,
      })
      if (s.failedFiles)
        throw new MamoriError('ERR_VULN_SYNC', `KEV: ${s.problems[0]?.message ?? 'download failed'}`)
      if (s.files[0]?.format !== 'kev')
        throw new MamoriError(
          'ERR_VULN_SYNC',
          `KEV: the answer is not the KEV catalogue (${s.files[0]?.format})`,
        )
      return {
        source,
        ...s.kev,
        rejected: s.rejected,
        text: `KEV: imported ${s.kev.imported}, updated ${s.kev.updated}, unchanged ${s.kev.unchanged}, rejected ${s.rejected}`,
      }
    }
    case 'jvn': {
      const s = await syncJvn(db, { ...common, baseUrl: opts.url, since })
      return {
        source,
        ...s,
        text: `JVN: ${s.requests} requests, ${s.ids} ids, imported ${s.imported}, updated ${s.updated}, unchanged ${s.unchanged}, rejected ${s.rejected}`,
      }
    }
    default:
      throw new MamoriError('ERR_USAGE', `unknown source "${source.slice(0, 30)}": use nvd, kev or jvn`)
  }
}

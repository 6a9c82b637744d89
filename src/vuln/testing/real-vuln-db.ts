import { readdirSync } from 'node:fs'
import { sharedData } from '../../testing/shared-data.js'
import { VulnDb } from '../db/vuln-db.js'
import { type ImportSummary, importInputs } from '../import/import-inputs.js'

/** The real vulnerability files of ../shared/data/vulns that tests import. */
function realVulnFiles(): string[] {
  const v = (...p: string[]) => sharedData('vulns', ...p)
  return [
    v('nvd-1.1-iot-subset.json.gz'),
    v('nvdcve-1.1-2017.json.gz'),
    v('cve5-vulnrichment-iot.json.gz'),
    v('kev.json'),
    ...readdirSync(v('nvd-api2')).map((f) => v('nvd-api2', f)),
    v('jvn', 'hnd', 'dataFeed_jvndb_detail_hnd.xml'),
    v('jvn', 'hnd', 'dataFeed_jvndb_rss_hnd.xml'),
  ]
}

let shared: Promise<{ db: VulnDb; summary: ImportSummary }> | undefined

/** One in-memory database with all real records, imported once per test process. */
export function realVulnDb(): Promise<{ db: VulnDb; summary: ImportSummary }> {
  shared ??= (async () => {
    const db = new VulnDb(':memory:')
    const summary = await importInputs(db, realVulnFiles())
    return { db, summary }
  })()
  return shared
}

import type { KevEntry } from '../model.js'
import { type Json, RecordRejected, requireCveId, str } from './record-fields.js'

/** Normalises one CISA KEV catalogue entry (free-text vendor names are trimmed, `SimpleHelp `). */
export function fromKev(e: Json): KevEntry {
  const cveID = requireCveId(e.cveID, 'cveID')
  const out: KevEntry = { cveID }
  for (const k of [
    'vendorProject',
    'product',
    'vulnerabilityName',
    'dateAdded',
    'dueDate',
    'requiredAction',
    'knownRansomwareCampaignUse',
  ] as const) {
    const v = str(e[k], 2000)?.trim()
    if (v) out[k] = v
  }
  if (out.dateAdded && !/^\d{4}-\d{2}-\d{2}/.test(out.dateAdded)) {
    throw new RecordRejected(cveID, `dateAdded "${out.dateAdded.slice(0, 30)}" is not a date`)
  }
  return out
}

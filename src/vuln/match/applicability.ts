import type { VulnStatus } from '../../core/record.js'
import type { VulnRecord } from '../model.js'
import type { Asset } from './asset.js'
import { evalProduct } from './cve5-affected.js'
import { evalNode, namesAsset } from './nvd-configurations.js'
import { type Eval, type MatchMode, NO, State } from './verdict.js'

export type MatchStatus = VulnStatus

/** Why a record applies: the status and the configuration or product entry that decided it. */
export interface Applicability {
  status: MatchStatus
  reason: string
}

/**
 * Decides whether a record applies to an asset: NVD configurations (nvd-configurations.ts) and
 * CVE 5 style affected products (cve5-affected.ts, also CSAF, JVN), in three-valued logic.
 * Returns undefined when the record does not apply.
 */
export function evaluateRecord(record: VulnRecord, asset: Asset, mode: MatchMode): Applicability | undefined {
  let best: Eval = NO
  let cfgIndex = 0
  for (const cfg of record.configurations) {
    cfgIndex++
    if (!namesAsset(cfg, asset)) continue
    const e = evalNode(cfg, asset, mode)
    if (e.state > best.state && e.why.some((w) => w.startsWith('vulnerable'))) {
      best = { state: e.state, why: [`${record.source} configuration ${cfgIndex}: ${e.why.join('; ')}`] }
    }
    if (best.state === State.affected) break
  }
  if (best.state < State.affected) {
    for (const p of record.affected) {
      const e = evalProduct(p, asset, mode)
      if (e.state > best.state)
        best = { state: e.state, why: [`${record.source} affected: ${e.why.join('; ')}`] }
      if (best.state === State.affected) break
    }
  }
  if (best.state === State.no) return undefined
  return { status: best.state === State.affected ? 'affected' : 'indeterminate', reason: best.why.join('; ') }
}

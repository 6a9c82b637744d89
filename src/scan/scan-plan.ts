import { createHash, randomInt, randomUUID } from 'node:crypto'
import { MamoriError } from '../core/errors.js'
import type { IPv4RangeSet } from '../scope/range-set.js'
import {
  enforceDnsServers,
  enforceScope,
  loopbackScope,
  type ResolvedTarget,
  type Scope,
} from '../scope/scope.js'
import { loadScopeFile } from '../scope/scope-file.js'
import { CyclicPermutation, parseShard, type Shard } from '../targets/cyclic-permutation.js'
import { type PortSpec, parsePortSpec } from '../targets/port-spec.js'
import type { ResumeState } from '../targets/resume-state.js'
import { TargetSpace } from '../targets/target-space.js'
import { resolveExcludes, resolveTargets } from '../targets/target-spec.js'

/** What the user asked for, as typed (this is also what a resume state stores). */
export interface ScanRequest {
  targets: string[]
  ports: string
  exclude: string[]
  scopeFile?: string
  seed?: number
  shard?: string
  /** Resolve hostnames with these DNS servers instead of the system resolver. */
  dnsServers?: string[]
}

/** A checked, resolved scan: everything needed to walk the space, nothing sent yet. */
export interface ScanPlan {
  readonly scanId: string
  readonly request: Required<Omit<ScanRequest, 'scopeFile' | 'dnsServers'>> & {
    scopeFile?: string
    dnsServers?: string[]
  }
  readonly scope: Scope
  readonly targets: readonly ResolvedTarget[]
  readonly addresses: IPv4RangeSet
  readonly ports: PortSpec
  readonly space: TargetSpace
  readonly permutation: CyclicPermutation
  readonly shard: Shard
  /** Cycle positions [start, end) of this shard. */
  readonly bounds: readonly [number, number]
  /** Where the walk starts (the shard start, or a resume watermark). */
  readonly startPosition: number
  /** Positions above the start already done by the interrupted run. */
  readonly skip: ReadonlySet<number>
  /** This plan continues an interrupted scan (its state file is updated when it ends). */
  readonly resumed: boolean
  readonly spaceHash: string
}

/**
 * Resolves targets, exclusions, ports and scope, then runs the one scope check, before any packet
 * leaves. With a resume state, the state's own request is re-planned and must give the same space.
 */
export async function buildScanPlan(request: ScanRequest, resume?: ResumeState): Promise<ScanPlan> {
  const req = resume
    ? {
        targets: resume.targets,
        ports: resume.ports,
        exclude: resume.exclude,
        scopeFile: resume.scope_file ?? undefined,
        seed: resume.seed,
        shard: resume.shard,
        dnsServers: resume.dns_servers,
      }
    : request
  if (req.targets.length === 0) throw new MamoriError('ERR_USAGE', 'no targets given')
  const ports = parsePortSpec(req.ports)
  const shard = parseShard(req.shard ?? '0/1')
  if (shard.count > 1 && req.seed === undefined) {
    // shards only partition the space when they walk the same permutation
    throw new MamoriError(
      'ERR_USAGE',
      '--shard needs --seed: every shard must use the same seed to split one permutation',
    )
  }
  const seed = req.seed ?? randomInt(2 ** 31)
  const scope = req.scopeFile ? await loadScopeFile(req.scopeFile) : loopbackScope
  enforceDnsServers(scope, req.dnsServers ?? [])
  const targets = await resolveTargets(req.targets, { dnsServers: req.dnsServers })
  const exclude = await resolveExcludes(req.exclude)
  const addresses = enforceScope(scope, targets, exclude)
  const space = new TargetSpace(addresses, ports)
  if (space.size === 0)
    throw new MamoriError('ERR_USAGE', 'nothing to scan: every target address is excluded')
  const permutation = new CyclicPermutation(space.size, seed)
  const bounds = permutation.shardBounds(shard)
  const spaceHash = createHash('sha256')
    .update(JSON.stringify([addresses.ranges, [...space.ports], space.tcpCount, seed, shard]))
    .digest('hex')
  if (resume && resume.scope_file_hash !== (scope.hash ?? null)) {
    throw new MamoriError(
      'ERR_RESUME',
      `the scope file ${req.scopeFile} changed since the scan started: an interrupted scan resumes only under the scope it was authorised by; start a new scan`,
    )
  }
  if (resume && resume.space_hash !== spaceHash) {
    throw new MamoriError(
      'ERR_RESUME',
      'the resumed scan would walk a different space than the interrupted one (scope file, exclusions or DNS changed); start a new scan',
    )
  }
  return {
    scanId: resume?.scan_id ?? randomUUID(),
    request: { ...req, seed, shard: `${shard.index}/${shard.count}` },
    scope,
    targets,
    addresses,
    ports,
    space,
    permutation,
    shard,
    bounds,
    startPosition: resume ? resume.watermark : bounds[0],
    skip: new Set(resume?.done_above ?? []),
    resumed: resume !== undefined,
    spaceHash,
  }
}

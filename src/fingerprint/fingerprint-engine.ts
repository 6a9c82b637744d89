import type { Fingerprint, Observation } from '../core/record.js'
import { loadNmapProbesFile, type NmapProbe, type PortRange } from './nmap/load-nmap-probes.js'
import { loadOwnRules } from './own/load-own-rules.js'
import { loadRecogDir } from './recog/load-recog.js'
import type { LoadProblem, Rule } from './rule.js'
import { compareMatches, type Match, RuleSet, toCandidate } from './rule-set.js'
import { mergeFields, toFingerprint } from './to-fingerprint.js'
import { loadVocabulary, type Vocabulary } from './vocab.js'

/** Candidates below this preference are hints: nmap softmatches, telnet option patterns. */
const HINT_PREFERENCE = 0.6

export interface EngineOptions {
  /** Rapid7 Recog `xml/` folder to load too (mamori does not ship it). */
  recogDir?: string
  /** nmap's nmap-service-probes file to load too (its matches, and its probes for active probing). */
  nmapFile?: string
  /** Folder of mamori rule files (default: data/fingerprints). */
  ownDir?: string
  /** More rules (tests, other databases). */
  extraRules?: Rule[]
  /** Turn the literal prefilter off (benchmarks measure it). */
  prefilter?: boolean
}

/**
 * Every loaded rule database behind one call: candidates from every engine on every observation,
 * one rule of precedence (rule-set.ts `compareMatches`) to pick the result, all candidates kept.
 */
export class FingerprintEngine {
  readonly rules: RuleSet
  readonly problems: readonly LoadProblem[]
  /** nmap's probes when its file was loaded (for `probeService`), else empty. */
  readonly nmapProbes: readonly NmapProbe[]
  /** TCP ports the nmap probe file excludes from probing. */
  readonly nmapExclude: readonly PortRange[]
  private readonly vocab: Vocabulary

  constructor(
    rules: Rule[],
    problems: LoadProblem[],
    options: EngineOptions = {},
    nmapProbes: NmapProbe[] = [],
    nmapExclude: PortRange[] = [],
  ) {
    this.rules = new RuleSet(rules, { prefilter: options.prefilter ?? true })
    this.problems = problems
    this.nmapProbes = nmapProbes
    this.nmapExclude = nmapExclude
    this.vocab = loadVocabulary()
  }

  /** Loads mamori's rules, and Recog's and nmap's when their files are given. */
  static load(options: EngineOptions = {}): FingerprintEngine {
    const own = loadOwnRules(options.ownDir)
    const rules = [...own.rules, ...(options.extraRules ?? [])]
    const problems = [...own.problems]
    if (options.recogDir) {
      const recog = loadRecogDir(options.recogDir)
      rules.push(...recog.rules)
      problems.push(...recog.problems)
    }
    let probes: NmapProbe[] = []
    let exclude: PortRange[] = []
    if (options.nmapFile) {
      const nmap = loadNmapProbesFile(options.nmapFile)
      rules.push(...nmap.rules)
      problems.push(...nmap.problems)
      probes = nmap.probes
      exclude = nmap.excludeTcp
    }
    return new FingerprintEngine(rules, problems, options, probes, exclude)
  }

  /** Every match on these observations, best first. */
  candidates(observations: readonly Observation[]): Match[] {
    const all: Match[] = []
    for (const o of observations) all.push(...this.rules.match(o.key, o.value))
    return all.length > 1 ? all.sort(compareMatches) : all
  }

  /**
   * The fingerprint of one service. The best candidate decides; the fields of candidates that
   * agree with it (same device vendor and OS; per namespace, same product) fill what it leaves
   * open; hints (preference < 0.6) only name a service the result leaves unnamed, on its platform.
   * `port` is part of the contract for rules that will weigh it; today's rules read only the texts.
   */
  fingerprint(observations: readonly Observation[], _port: number): Fingerprint {
    return this.decide(this.candidates(observations))
  }

  /** The fingerprint from candidates already found (best first), by the same rule. */
  decide(matches: Match[]): Fingerprint {
    const best = matches[0]
    if (!best || best.confidence <= 0) {
      return matches.length > 0 ? { cpe: [], candidates: matches.map(toCandidate) } : { cpe: [] }
    }
    const fields = { ...best.fields }
    const family = best.fields['os.family']?.toLowerCase()
    for (const other of matches.slice(1)) {
      if (other.confidence <= 0) continue
      // hints (a softmatch, the telnet options) only name a service the result leaves unnamed,
      // and only on the platform the result names, if it names one
      if (other.rule.preference < HINT_PREFERENCE) {
        if (best.fields['service.product']) continue
        if (family && other.fields['os.family']?.toLowerCase() !== family) continue
      }
      mergeFields(fields, other.fields)
    }
    const fp: Fingerprint = toFingerprint(fields, this.vocab)
    fp.rule = `${best.rule.engine}:${best.rule.id.replace(/^(?:recog|nmap):/, '')}`
    fp.confidence = Math.round(best.confidence * 1000) / 1000
    fp.candidates = matches.map(toCandidate)
    return fp
  }
}

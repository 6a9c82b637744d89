import { applyRule } from './apply-rule.js'
import { loadNmapProbesFile } from './nmap/load-nmap-probes.js'
import { lintOwnRules } from './own/lint-rules.js'
import { loadOwnRules } from './own/load-own-rules.js'
import { loadRecogDir } from './recog/load-recog.js'
import type { LoadProblem, Rule } from './rule.js'
import { loadVocabulary } from './vocab.js'

export interface ExampleReport {
  rules: number
  examples: number
  passed: number
  failures: string[]
}

/** What `mamori fingerprint test` reports: each database's load problems and example results. */
export interface SelfTestReport {
  own: ExampleReport & { problems: LoadProblem[] }
  recog?: ExampleReport & { fingerprints: number; rejected: LoadProblem[]; problems: LoadProblem[] }
  nmap?: {
    matchLines: number
    loaded: number
    probes: number
    rejected: LoadProblem[]
    problems: LoadProblem[]
  }
  ok: boolean
}

function runExamples(rules: readonly Rule[]): ExampleReport {
  const report: ExampleReport = { rules: rules.length, examples: 0, passed: 0, failures: [] }
  for (const rule of rules) {
    for (const ex of rule.examples) {
      report.examples++
      const got = applyRule(rule, ex.text)
      const wrong = got ? Object.entries(ex.expect).filter(([k, v]) => got[k] !== v) : undefined
      if (wrong && wrong.length === 0) report.passed++
      else
        report.failures.push(
          `${rule.source.file}:${rule.source.line} ${rule.id}: ${JSON.stringify(ex.text).slice(0, 100)} ` +
            (wrong
              ? wrong
                  .map(([k, v]) => `${k}=${JSON.stringify(got?.[k])} (expected ${JSON.stringify(v)})`)
                  .join(', ')
              : 'does not match'),
        )
    }
  }
  return report
}

/** Runs every example of every loaded database and the data linter on mamori's own rules. */
export function selfTest(sources: { ownDir?: string; recog?: string; nmap?: string }): SelfTestReport {
  const own = loadOwnRules(sources.ownDir)
  const ownReport = {
    ...runExamples(own.rules),
    problems: [...own.problems, ...lintOwnRules(own.rules, loadVocabulary())],
  }
  const report: SelfTestReport = {
    own: ownReport,
    ok: ownReport.problems.length === 0 && ownReport.failures.length === 0,
  }
  if (sources.recog) {
    const recog = loadRecogDir(sources.recog)
    const rejected = recog.problems.filter((p) => p.rule)
    report.recog = {
      ...runExamples(recog.rules),
      fingerprints: recog.fingerprints,
      rejected,
      problems: recog.problems.filter((p) => !p.rule),
    }
    report.ok &&= report.recog.failures.length === 0 && report.recog.problems.length === 0
  }
  if (sources.nmap) {
    const nmap = loadNmapProbesFile(sources.nmap)
    report.nmap = {
      matchLines: nmap.matchLines,
      loaded: nmap.rules.length,
      probes: nmap.probes.length,
      rejected: nmap.problems.filter((p) => p.rule),
      problems: nmap.problems.filter((p) => !p.rule),
    }
    report.ok &&= report.nmap.problems.length === 0
  }
  return report
}

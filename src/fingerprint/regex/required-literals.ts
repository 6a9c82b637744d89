import type { Alternation, Group, Sequence } from './regex-syntax.js'

/**
 * Substrings every match of the pattern contains, in pattern order: runs of literal characters of
 * the top level and of groups that must match (not optional, not behind a `|`, not a lookaround).
 * They are the prefilter's keys, so they must never name text a match can lack; a run ends at any
 * node that is not a required literal character.
 */
export function requiredLiterals(tree: Sequence | Alternation): string[] {
  return runsOf(tree) ?? []
}

/** A body's required runs, or undefined when it has alternatives (none is required then). */
function runsOf(body: Sequence | Alternation): string[] | undefined {
  if (body.type === 'alternation') return undefined
  const runs: string[] = []
  let run = ''
  const end = () => {
    if (run) runs.push(run)
    run = ''
  }
  for (const node of body.items) {
    const target = node.type === 'repeat' ? node.body : node
    const optional = node.type === 'repeat' && node.min === 0
    if (target.type === 'char' && target.literal !== undefined) {
      // a repeated character is required once, and only when it must occur at all
      if (!optional) run += target.literal
      if (node.type === 'repeat') end()
      continue
    }
    end()
    if (target.type === 'group' && !optional) runs.push(...groupRuns(target))
  }
  end()
  return runs
}

function groupRuns(g: Group): string[] {
  // lookarounds consume nothing, and atomic groups are emitted as lookaheads
  if (g.kind !== 'capture' && g.kind !== 'named' && g.kind !== 'plain') return []
  return runsOf(g.body) ?? []
}

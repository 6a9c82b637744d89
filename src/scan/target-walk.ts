import type { ProbeSource } from '../discovery/discovery.js'
import type { CompletionTracker } from '../targets/completion-tracker.js'
import type { ScanPlan } from './scan-plan.js'

/**
 * The targets of a plan as discovery's source: the shard's permutation walked from its start (or
 * the resume watermark), positions an interrupted run already finished skipped, each target given a
 * completion ticket. The cursor's position is the walk's progress.
 */
export function targetWalk(
  plan: ScanPlan,
  tracker: CompletionTracker,
): { source: ProbeSource; position: () => number } {
  const cursor = plan.permutation.cursor(plan.startPosition, plan.bounds[1])
  const { space, skip } = plan
  const source: ProbeSource = (out) => {
    for (;;) {
      const index = cursor.next()
      if (index < 0) {
        tracker.advanceTo(cursor.position)
        return false
      }
      const position = cursor.position - 1
      if (skip.size > 0 && skip.has(position)) continue
      out.ticket = tracker.issue(position)
      out.ip = space.ipAt(index)
      out.port = space.portAt(index)
      out.udp = space.transportAt(index) === 'udp'
      return true
    }
  }
  return { source, position: () => cursor.position }
}

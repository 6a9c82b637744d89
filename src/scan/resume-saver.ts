import { rm } from 'node:fs/promises'
import type { CompletionTracker } from '../targets/completion-tracker.js'
import { type ResumeState, type ScanSettings, writeResumeState } from '../targets/resume-state.js'
import type { ScanPlan } from './scan-plan.js'

/**
 * Keeps a scan's resume state file: written every `everyMs` while the scan runs, and when it ends
 * early (an interrupt or a failure); removed when the scan finished, since nothing is left to resume.
 */
export class ResumeSaver {
  readonly #plan: ScanPlan
  readonly #tracker: CompletionTracker
  readonly #file: string
  #written: boolean
  #pending: Promise<void> = Promise.resolve()
  readonly #timer: NodeJS.Timeout

  readonly #settings: ScanSettings
  readonly #unfinished: () => readonly string[]

  constructor(
    plan: ScanPlan,
    tracker: CompletionTracker,
    file: string,
    settings: ScanSettings,
    unfinished: () => readonly string[],
    everyMs = 10_000,
  ) {
    this.#plan = plan
    this.#tracker = tracker
    this.#file = file
    this.#settings = settings
    this.#unfinished = unfinished
    this.#written = plan.resumed
    this.#timer = setInterval(() => {
      this.#written = true
      this.#pending = this.#pending.then(() => this.#save()).catch(() => undefined)
    }, everyMs)
  }

  /** Stops the periodic writes (the scan's pipeline has ended). */
  stop(): void {
    clearInterval(this.#timer)
  }

  /** Stopped early: keep the place; finished: nothing is left to resume. */
  async finish(stoppedEarly: boolean): Promise<void> {
    await this.#pending
    if (stoppedEarly) await this.#save()
    else if (this.#written) await rm(this.#file, { force: true })
  }

  async #save(): Promise<void> {
    const plan = this.#plan
    const snap = this.#tracker.snapshot()
    const state: ResumeState = {
      version: 2,
      scan_id: plan.scanId,
      targets: plan.request.targets,
      ports: plan.request.ports,
      exclude: plan.request.exclude,
      scope_file: plan.request.scopeFile ?? null,
      scope_file_hash: plan.scope.hash ?? null,
      dns_servers: plan.request.dnsServers ?? [],
      seed: plan.request.seed,
      shard: plan.request.shard,
      space_hash: plan.spaceHash,
      watermark: snap.watermark,
      done_above: snap.doneAbove,
      unfinished: this.#unfinished().slice(0, 10_000),
      settings: this.#settings,
    }
    await writeResumeState(this.#file, state)
  }
}

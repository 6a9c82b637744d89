import type { ConnectionLimits } from '../core/connection.js'
import { formatIPv4 } from '../core/ipv4.js'
import type { ScanRecord } from '../core/record.js'
import { ScanInterruptedError } from '../core/scan-status.js'
import type { Enricher, RecordSink } from '../core/sink.js'
import type { Target, Transport } from '../core/target.js'
import type { CompletionTracker } from '../targets/completion-tracker.js'
import { type HostFusionLimits, HostFusionStage } from './host-fusion-stage.js'
import type { GrabFunction } from './scan-runner.js'

/** An open port (or a UDP target) waiting for a grab slot. */
export interface Pending {
  ticket: number
  ip: number
  port: number
  transport: Transport
}

/** A record past host fusion, waiting for a slot to run the later enrichers and the sinks. */
interface Released {
  ticket: number
  record: ScanRecord
}

export interface RecordPipelineOptions {
  scanId: string
  grab: GrabFunction
  grabConcurrency: number
  grabLimits?: Partial<ConnectionLimits>
  credentialAudit: boolean
  enrichers: readonly Enricher[]
  hostFusion?: HostFusionLimits
  sinks: readonly RecordSink[]
  tracker: CompletionTracker
  /** Back-pressure on discovery: called when the queue fills up and when it has room again. */
  pauseDiscovery(): void
  resumeDiscovery(): void
  /** Called once on the first failure: the scan stops taking targets. */
  onFailure(): void
}

/**
 * From open port to written record: grab (at most `grabConcurrency` at a time, the queue bounded),
 * enrichers in order, host fusion after the `fingerprint` enricher when asked, then the sinks, then
 * the ticket. A ticket is finished only once its record is written, so the resume state never
 * skips a record that a failure left unwritten.
 */
export class RecordPipeline {
  readonly #o: RecordPipelineOptions
  /** Enrichers that run in the grab's slot, and those that run after host fusion releases a record. */
  readonly #early: readonly Enricher[]
  readonly #late: readonly Enricher[]
  readonly #fusion: HostFusionStage<number> | undefined
  readonly #queue: Pending[] = []
  #qHead = 0
  readonly #released: Released[] = []
  #rHead = 0
  #drainScheduled = false
  /** Tasks holding a slot: grabs and released records' later stages. */
  #running = 0
  #grabbing = 0
  #discoveryDone = false
  #stopping = false
  #failure: unknown
  #settle: () => void = () => {}
  readonly #maxQueue: number
  /** Resolves when every offered target is written or finished (or the scan failed or stopped). */
  readonly done: Promise<void>
  records = 0
  enrichErrors = 0

  constructor(o: RecordPipelineOptions) {
    this.#o = o
    this.#maxQueue = Math.max(2, o.grabConcurrency * 2)
    this.done = new Promise<void>((resolve) => {
      this.#settle = resolve
    })
    // host fusion splits the enrichers: those up to fingerprinting run in the grab's slot; a record
    // may then wait in the holding area, which takes no slot, and the rest run in a slot of their own
    const fingerprintAt = o.enrichers.findIndex((e) => e.name === 'fingerprint')
    const fused = o.hostFusion !== undefined && fingerprintAt >= 0
    this.#early = fused ? o.enrichers.slice(0, fingerprintAt + 1) : o.enrichers
    this.#late = fused ? o.enrichers.slice(fingerprintAt + 1) : []
    this.#fusion = fused
      ? new HostFusionStage<number>((record, ticket) => {
          this.#released.push({ record, ticket })
          // the stage releases from inside a grab, a flush or its timer: one drain afterwards
          if (!this.#drainScheduled) {
            this.#drainScheduled = true
            queueMicrotask(() => {
              this.#drainScheduled = false
              this.#drain()
            })
          }
        }, o.hostFusion)
      : undefined
  }

  get failure(): unknown {
    return this.#failure
  }

  get stopping(): boolean {
    return this.#stopping
  }

  /** A target discovery found open (or a UDP target): grabbed when a slot is free. */
  offer(p: Pending): void {
    this.#queue.push(p)
    if (this.#queue.length - this.#qHead >= this.#maxQueue) this.#o.pauseDiscovery()
    this.#drain()
  }

  /** No more targets will be offered. */
  discoveryFinished(): void {
    this.#discoveryDone = true
    this.#checkDone()
  }

  /** Stops taking queued targets; grabs under way finish and are written. */
  stop(): void {
    this.#stopping = true
  }

  close(): void {
    this.#fusion?.close()
  }

  #checkDone(): void {
    if (!this.#discoveryDone || this.#grabbing > 0 || (this.#qHead < this.#queue.length && !this.#stopping))
      return
    // no grab is left whose service could name a held record's vendor
    if (this.#fusion && this.#fusion.size > 0 && !this.#failure) {
      this.#fusion.flush()
      return
    }
    // after a failure, released records stay unwritten and unfinished: a resume grabs them again
    if (this.#running === 0 && (this.#rHead >= this.#released.length || this.#failure)) this.#settle()
  }

  /** Runs the stages; false when the interrupt cut one short (the record is then left for `--resume`). */
  async #enrich(record: ScanRecord, stages: readonly Enricher[]): Promise<boolean> {
    for (const e of stages) {
      try {
        await e.enrich(record)
      } catch (err) {
        if (err instanceof ScanInterruptedError) {
          this.unfinished.push(`${record.ip}:${record.port}/${record.transport}`)
          return false
        }
        // one broken enricher must not lose the record or the scan; the count goes in the summary
        this.enrichErrors++
      }
    }
    return true
  }

  /** Services grabbed but left unfinished by the interrupt (written into the resume state). */
  readonly unfinished: string[] = []

  /** The later enrichers, the sinks, then the ticket: never finished before the record is written. */
  async #finishOne(r: Released): Promise<void> {
    if (!(await this.#enrich(r.record, this.#late))) return
    for (const s of this.#o.sinks) await s.write(r.record)
    this.records++
    this.#o.tracker.finish(r.ticket)
  }

  async #grabOne(p: Pending): Promise<void> {
    const o = this.#o
    const target: Target = { ip: formatIPv4(p.ip), port: p.port, transport: p.transport }
    const record = await o.grab(target, {
      scanId: o.scanId,
      limits: o.grabLimits,
      credentialAudit: o.credentialAudit,
    })
    if (p.transport === 'udp' && !answered(record)) {
      // UDP has no discovery stage: a port that never answered is not a service
      o.tracker.finish(p.ticket)
      return
    }
    if (!(await this.#enrich(record, this.#early))) return
    if (this.#fusion) this.#fusion.admit(record, p.ticket)
    else await this.#finishOne({ record, ticket: p.ticket })
  }

  #start(task: Promise<void>, grab: boolean): void {
    this.#running++
    if (grab) this.#grabbing++
    task
      .catch((err) => {
        this.#failure ??= err
        this.#o.onFailure()
      })
      .finally(() => {
        this.#running--
        if (grab) this.#grabbing--
        this.#drain()
      })
  }

  #drain(): void {
    const limit = this.#o.grabConcurrency
    const queue = this.#queue
    const released = this.#released
    // released records first: they are further along, and their tickets hold the resume watermark
    while (!this.#failure && this.#running < limit && this.#rHead < released.length) {
      this.#start(this.#finishOne(released[this.#rHead++] as Released), false)
    }
    while (!this.#stopping && this.#running < limit && this.#qHead < queue.length) {
      this.#start(this.#grabOne(queue[this.#qHead++] as Pending), true)
    }
    if (this.#rHead > 1024 && this.#rHead * 2 > released.length) {
      released.splice(0, this.#rHead)
      this.#rHead = 0
    }
    if (this.#qHead > 1024 && this.#qHead * 2 > queue.length) {
      queue.splice(0, this.#qHead)
      this.#qHead = 0
    }
    if (queue.length - this.#qHead < limit) this.#o.resumeDiscovery()
    this.#checkDone()
  }
}

function answered(record: ScanRecord): boolean {
  return record.status !== 'connection-refused' && record.status !== 'io-timeout'
}

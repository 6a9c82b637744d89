import { MamoriError } from '../core/errors.js'
import { createJsEngine } from './js-engine.js'
import { createNativeEngine, loadNativeBinding } from './native-engine.js'
import { type EngineOptions, PROBE_STATE_NAMES, type ProbeEngine, type ProbeState } from './probe-engine.js'

export type EngineChoice = 'auto' | 'js' | 'native'

export interface DiscoveryOptions extends EngineOptions {
  /** Connects in flight to one address at most. */
  perHostCap: number
  engine: EngineChoice
  /** Native engine threads (default: one per core). */
  threads?: number
}

/**
 * In-flight connects needed to keep `rate` going when every probe goes unanswered: each waits
 * (retries + 1) timeouts. Capped: past that, a mostly-filtered space runs slower than `rate`.
 */
export function inflightFor(rate: number, timeoutMs: number, retries: number): number {
  return Math.min(65_536, Math.max(256, Math.ceil((rate * timeoutMs * (retries + 1)) / 1000)))
}

export const DEFAULT_DISCOVERY: DiscoveryOptions = {
  rate: 10_000,
  maxInflight: inflightFor(10_000, 1000, 1),
  timeoutMs: 1000,
  retries: 1,
  perHostCap: 64,
  engine: 'auto',
}

/** One target to probe; `ticket` is the caller's handle for it (a tracker ticket). */
export interface ProbeTarget {
  ticket: number
  ip: number
  port: number
  udp: boolean
}

/** Where targets come from: fills `out` and returns true, or returns false when there are no more. */
export type ProbeSource = (out: ProbeTarget) => boolean

/** Every target ends in exactly one call: a probe state, or 'udp' (no connect probe for UDP). */
export type ResultCallback = (ticket: number, ip: number, port: number, state: ProbeState | 'udp') => void

export interface DiscoveryStats {
  engine: 'js' | 'native'
  probed: number
  open: number
  closed: number
  filtered: number
  error: number
  udp: number
  stopped: boolean
}

/** Picks the engine: native when built (and asked for or auto), else JS; `native` unbuilt is an error. */
export function chooseEngine(choice: EngineChoice): 'js' | 'native' {
  if (choice === 'js') return 'js'
  if (loadNativeBinding()) return 'native'
  if (choice === 'native') {
    throw new MamoriError(
      'ERR_USAGE',
      'the native engine is not built here (run npm install with a C compiler), use --engine js',
    )
  }
  return 'js'
}

/**
 * The discovery scheduler: pulls targets from the source, keeps at most `perHostCap` connects per
 * address in flight, feeds the engine in batches and hands every result to the callback. It can
 * be paused (back-pressure from the grab stage) and stopped (Ctrl-C). Memory is bounded by the
 * in-flight window, whatever the size of the space.
 */
export class Discovery {
  readonly stats: DiscoveryStats
  private readonly engine: ProbeEngine
  private readonly batchSize: number
  private readonly window: number
  private readonly slotTicket: Float64Array
  private readonly slotIp: Uint32Array
  private readonly slotPort: Uint16Array
  private readonly free: Int32Array
  private freeTop: number
  private readonly batchIds: Uint32Array
  private readonly batchIps: Uint32Array
  private readonly batchPorts: Uint16Array
  private readonly perHost = new Map<number, number>()
  private deferred: ProbeTarget[] = []
  private readonly maxDeferred: number
  private readonly scratch: ProbeTarget = { ticket: 0, ip: 0, port: 0, udp: false }
  private outstanding = 0
  private exhausted = false
  private paused = false
  private finished = false
  private resolveRun: ((s: DiscoveryStats) => void) | undefined
  private pumping = false

  constructor(
    private readonly options: DiscoveryOptions,
    private readonly source: ProbeSource,
    private readonly onResult: ResultCallback,
  ) {
    const name = chooseEngine(options.engine)
    const handler = (ids: Uint32Array, states: Uint8Array) => this.results(ids, states)
    this.engine =
      name === 'native'
        ? createNativeEngine(options, handler, options.threads)
        : createJsEngine(options, handler)
    this.batchSize = Math.max(1, Math.min(4096, options.maxInflight))
    // enough queued beyond the in-flight cap that no engine thread waits for the event loop
    this.window = options.maxInflight + 2 * this.batchSize
    this.slotTicket = new Float64Array(this.window)
    this.slotIp = new Uint32Array(this.window)
    this.slotPort = new Uint16Array(this.window)
    this.free = new Int32Array(this.window)
    for (let i = 0; i < this.window; i++) this.free[i] = this.window - 1 - i
    this.freeTop = this.window
    this.batchIds = new Uint32Array(this.batchSize)
    this.batchIps = new Uint32Array(this.batchSize)
    this.batchPorts = new Uint16Array(this.batchSize)
    this.maxDeferred = Math.max(64, this.batchSize)
    this.stats = {
      engine: name,
      probed: 0,
      open: 0,
      closed: 0,
      filtered: 0,
      error: 0,
      udp: 0,
      stopped: false,
    }
  }

  /** Runs until every target is reported, or until stop(). */
  run(): Promise<DiscoveryStats> {
    return new Promise((resolve) => {
      this.resolveRun = resolve
      this.pump()
    })
  }

  pause(): void {
    this.paused = true
  }

  resume(): void {
    if (!this.paused) return
    this.paused = false
    this.pump()
  }

  /** Stops now: probes in flight are dropped unreported (a resumed scan probes them again). */
  stop(): void {
    if (this.finished) return
    this.stats.stopped = true
    this.finish()
  }

  /** Probes handed to the engine and not yet answered. */
  get inFlight(): number {
    return this.outstanding
  }

  private finish(): void {
    this.finished = true
    this.engine.close()
    this.resolveRun?.(this.stats)
  }

  private pump(): void {
    if (this.pumping || this.finished) return
    this.pumping = true
    try {
      while (!this.paused && !this.finished) {
        let n = 0
        const room = Math.min(this.batchSize, this.window - this.outstanding)
        if (room <= 0) break
        n = this.fillFromDeferred(n, room)
        while (n < room && !this.exhausted && !this.paused && this.deferred.length < this.maxDeferred) {
          const t = this.scratch
          if (!this.source(t)) {
            this.exhausted = true
            break
          }
          if (t.udp) {
            this.stats.udp++
            this.onResult(t.ticket, t.ip, t.port, 'udp')
          } else if ((this.perHost.get(t.ip) ?? 0) >= this.options.perHostCap) {
            this.deferred.push({ ...t })
          } else {
            n = this.add(n, t)
          }
        }
        if (n > 0) {
          this.outstanding += n
          this.stats.probed += n
          this.engine.submit(this.batchIds, this.batchIps, this.batchPorts, n)
        }
        if (n < room) break
      }
    } finally {
      this.pumping = false
    }
    if (this.exhausted && this.deferred.length === 0 && this.outstanding === 0 && !this.finished)
      this.finish()
  }

  private fillFromDeferred(n0: number, room: number): number {
    let n = n0
    if (this.deferred.length === 0) return n
    const keep: ProbeTarget[] = []
    for (const t of this.deferred) {
      if (n < room && (this.perHost.get(t.ip) ?? 0) < this.options.perHostCap) n = this.add(n, t)
      else keep.push(t)
    }
    this.deferred = keep
    return n
  }

  private add(n: number, t: ProbeTarget): number {
    const slot = this.free[--this.freeTop] as number
    this.slotTicket[slot] = t.ticket
    this.slotIp[slot] = t.ip
    this.slotPort[slot] = t.port
    this.perHost.set(t.ip, (this.perHost.get(t.ip) ?? 0) + 1)
    this.batchIds[n] = slot
    this.batchIps[n] = t.ip
    this.batchPorts[n] = t.port
    return n + 1
  }

  private results(ids: Uint32Array, states: Uint8Array): void {
    if (this.finished) return
    const stats = this.stats
    for (let i = 0; i < ids.length; i++) {
      const slot = ids[i] as number
      const ip = this.slotIp[slot] as number
      const left = (this.perHost.get(ip) ?? 1) - 1
      if (left === 0) this.perHost.delete(ip)
      else this.perHost.set(ip, left)
      this.free[this.freeTop++] = slot
      this.outstanding--
      const state = PROBE_STATE_NAMES[states[i] as number] ?? 'error'
      stats[state]++
      this.onResult(this.slotTicket[slot] as number, ip, this.slotPort[slot] as number, state)
      if (this.finished) return
    }
    this.pump()
  }
}

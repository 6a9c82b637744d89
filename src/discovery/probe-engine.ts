/** Result codes shared with the native engine (native/connect-scanner.c). */
export const PROBE_OPEN = 0
export const PROBE_CLOSED = 1
export const PROBE_FILTERED = 2
/** A local error the engine could not classify (e.g. EACCES from a firewall on this host). */
export const PROBE_ERROR = 3

export type ProbeState = 'open' | 'closed' | 'filtered' | 'error'
export const PROBE_STATE_NAMES: readonly ProbeState[] = ['open', 'closed', 'filtered', 'error']

/** How an engine probes: the same knobs for every engine. */
export interface EngineOptions {
  /** Probes started per second, over the whole engine (0 = unlimited). */
  rate: number
  /** Connects in flight at most. */
  maxInflight: number
  /** A connect not answered within this is retried, then called filtered. */
  timeoutMs: number
  /** How many more times an unanswered connect is tried before it is called filtered. */
  retries: number
}

/** Called with finished probes, in batches: ids as submitted, states as PROBE_* codes. */
export type ResultHandler = (ids: Uint32Array, states: Uint8Array) => void

/**
 * A TCP connect prober. It takes batches of (id, ip, port) and reports (id, state) in batches, so
 * the caller pays per batch rather than per probe. Every submitted probe is reported exactly once,
 * unless the engine is closed first.
 */
export interface ProbeEngine {
  readonly name: 'js' | 'native'
  submit(ids: Uint32Array, ips: Uint32Array, ports: Uint16Array, count: number): void
  /** Stops at once; probes not yet reported are dropped. */
  close(): void
}

import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { availableParallelism } from 'node:os'
import { join } from 'node:path'
import { repoRoot } from '../core/paths.js'
import type { EngineOptions, ProbeEngine, ResultHandler } from './probe-engine.js'

interface NativeBinding {
  create(options: EngineOptions, onResults: ResultHandler): object
  submit(handle: object, ids: Uint32Array, ips: Uint32Array, ports: Uint16Array, count: number): void
  close(handle: object): void
}

const ADDON = join(repoRoot, 'build', 'Release', 'mamori_connect_scanner.node')
let binding: NativeBinding | undefined | null

/** The compiled addon, or undefined when it was not built (no compiler, not Linux). */
export function loadNativeBinding(): NativeBinding | undefined {
  if (binding === undefined) {
    try {
      binding = existsSync(ADDON) ? (createRequire(import.meta.url)(ADDON) as NativeBinding) : null
    } catch {
      binding = null
    }
  }
  return binding ?? undefined
}

/**
 * The native engine: each epoll thread runs connect() probes off the event loop. One thread
 * saturates one core in the kernel's TCP code, so probes are spread evenly over one thread per
 * core, each with its share of the rate and of the in-flight cap.
 */
export function createNativeEngine(
  options: EngineOptions,
  onResults: ResultHandler,
  threads?: number,
): ProbeEngine {
  const native = loadNativeBinding()
  if (!native)
    throw new Error(`native engine not built (${ADDON} missing): run npm install, or use --engine js`)
  const n = Math.max(1, Math.min(threads ?? availableParallelism(), 16))
  const share: EngineOptions = {
    ...options,
    rate: options.rate > 0 ? options.rate / n : 0,
    maxInflight: Math.max(1, Math.ceil(options.maxInflight / n)),
  }
  const handles = Array.from({ length: n }, () => native.create(share, onResults))
  let next = 0
  let closed = false
  return {
    name: 'native',
    submit(ids, ips, ports, count) {
      if (closed || count === 0) return
      // each thread has 1/n of the rate, so each gets 1/n of every batch
      const per = Math.ceil(count / n)
      for (let from = 0; from < count; from += per) {
        const k = Math.min(per, count - from)
        const h = handles[next] as object
        next = (next + 1) % n
        native.submit(h, ids.subarray(from), ips.subarray(from), ports.subarray(from), k)
      }
    },
    close() {
      if (closed) return
      closed = true
      for (const h of handles) native.close(h)
    },
  }
}

import net from 'node:net'
import { afterPendingIo } from '../core/after-pending-io.js'
import { formatIPv4 } from '../core/ipv4.js'
import {
  type EngineOptions,
  PROBE_CLOSED,
  PROBE_ERROR,
  PROBE_FILTERED,
  PROBE_OPEN,
  type ProbeEngine,
  type ResultHandler,
} from './probe-engine.js'

/** Local shortages: not an answer from the target, so the probe is tried again later. */
const LOCAL_SHORTAGE = new Set(['EADDRNOTAVAIL', 'EMFILE', 'ENFILE', 'ENOBUFS', 'EAGAIN'])
const FILTERED_CODES = new Set(['ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN'])
const FLUSH_AT = 1024
/** Past a few thousand sockets the event loop only gets slower (measured: 10.7k/s at 1024, 8k/s at 4096). */
const MAX_JS_INFLIGHT = 2048

/**
 * The portable engine: one net.Socket per probe on the event loop, with the same rate limit,
 * in-flight cap (at most 2048), timeout and retry policy as the native engine; about 10-16k probes/s.
 */
export function createJsEngine(requested: EngineOptions, onResults: ResultHandler): ProbeEngine {
  const options = { ...requested, maxInflight: Math.min(requested.maxInflight, MAX_JS_INFLIGHT) }
  const queue: { id: number; ip: number; port: number; tries: number }[] = []
  let qHead = 0
  let inflight = 0
  let closed = false
  let tokens = 0
  let lastRefill = performance.now()
  let timer: NodeJS.Timeout | undefined
  const sockets = new Set<net.Socket>()
  let outIds: number[] = []
  let outStates: number[] = []
  let flushScheduled = false

  const flush = () => {
    flushScheduled = false
    if (closed || outIds.length === 0) return
    const ids = Uint32Array.from(outIds)
    const states = Uint8Array.from(outStates)
    outIds = []
    outStates = []
    onResults(ids, states)
  }
  const report = (id: number, state: number) => {
    outIds.push(id)
    outStates.push(state)
    if (outIds.length >= FLUSH_AT) flush()
    else if (!flushScheduled) {
      flushScheduled = true
      setImmediate(flush)
    }
  }

  const probe = (p: { id: number; ip: number; port: number; tries: number }) => {
    p.tries++
    inflight++
    const socket = new net.Socket()
    sockets.add(socket)
    let done = false
    const end = (state: number | 'retry') => {
      if (done) return
      done = true
      clearTimeout(t)
      sockets.delete(socket)
      if (state === PROBE_OPEN) socket.resetAndDestroy()
      else socket.destroy()
      inflight--
      if (closed) return
      if (state === 'retry') queue.push(p)
      else report(p.id, state)
      pump()
    }
    const t = afterPendingIo(options.timeoutMs, () =>
      end(p.tries <= options.retries ? 'retry' : PROBE_FILTERED),
    )
    socket.once('connect', () => end(PROBE_OPEN))
    socket.once('error', (err: NodeJS.ErrnoException) => {
      const code = err.code ?? ''
      if (LOCAL_SHORTAGE.has(code)) {
        p.tries--
        end('retry')
      } else if (code === 'ECONNREFUSED') end(PROBE_CLOSED)
      else if (FILTERED_CODES.has(code)) end(PROBE_FILTERED)
      else end(PROBE_ERROR)
    })
    socket.connect({ host: formatIPv4(p.ip), port: p.port, noDelay: true })
  }

  const pump = () => {
    if (closed) return
    if (options.rate > 0) {
      const now = performance.now()
      tokens = Math.min(tokens + ((now - lastRefill) * options.rate) / 1000, Math.max(1, options.rate / 100))
      lastRefill = now
    }
    while (qHead < queue.length && inflight < options.maxInflight) {
      if (options.rate > 0) {
        if (tokens < 1) break
        tokens--
      }
      probe(queue[qHead++] as (typeof queue)[number])
    }
    if (qHead > 4096 && qHead * 2 > queue.length) {
      queue.splice(0, qHead)
      qHead = 0
    }
    // waiting for tokens, not for answers: come back when one is due
    if (qHead < queue.length && inflight < options.maxInflight && timer === undefined) {
      timer = setTimeout(
        () => {
          timer = undefined
          pump()
        },
        Math.max(1, 1000 / Math.max(options.rate, 1)),
      )
    }
  }

  return {
    name: 'js',
    submit(ids, ips, ports, count) {
      if (closed) return
      for (let i = 0; i < count; i++) {
        queue.push({ id: ids[i] as number, ip: ips[i] as number, port: ports[i] as number, tries: 0 })
      }
      pump()
    },
    close() {
      closed = true
      if (timer) clearTimeout(timer)
      for (const s of sockets) s.destroy()
      sockets.clear()
    },
  }
}

/**
 * Runs `giveUp` once `ms` have passed and the I/O that arrived meanwhile has been handled. After the
 * event loop was blocked (a synchronous load, a long GC, a CPU taken by other processes), Node runs
 * due timers before the socket events that came in during the block: a plain timer would turn an
 * answer already received into a timeout.
 */
export function afterPendingIo(ms: number, giveUp: () => void): NodeJS.Timeout {
  return setTimeout(() => setImmediate(giveUp), ms)
}

import { afterPendingIo } from './after-pending-io.js'

/**
 * One waiter woken by the next event (bytes, a datagram, a close) or given up after a timeout:
 * how the framework's connections let a reader wait without polling.
 */
export class Wakeup {
  private wake: (() => void) | undefined

  /** Wakes the waiter, if any. */
  notify(): void {
    const wake = this.wake
    this.wake = undefined
    wake?.()
  }

  /** Resolves true when `notify` came first, false when `ms` passed. */
  wait(ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer)
        resolve(true)
      }
      const timer = afterPendingIo(ms, () => {
        if (this.wake !== wake) return
        this.wake = undefined
        resolve(false)
      })
      this.wake = wake
    })
  }
}

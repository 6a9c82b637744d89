import { once } from 'node:events'
import type { Writable } from 'node:stream'

/**
 * One shared wait for a stream's 'drain': every writer that met back-pressure awaits the same
 * promise, so hundreds of concurrent writers add one listener, not one each (which Node reports
 * as a MaxListenersExceededWarning, and which costs memory per write).
 */
export class DrainGate {
  #wait: Promise<void> | undefined

  constructor(private readonly stream: Writable) {}

  /** Resolves at the next 'drain', or when the stream fails (its owner reports the error). */
  wait(): Promise<void> {
    this.#wait ??= once(this.stream, 'drain').then(
      () => {
        this.#wait = undefined
      },
      () => {
        this.#wait = undefined
      },
    )
    return this.#wait
  }
}

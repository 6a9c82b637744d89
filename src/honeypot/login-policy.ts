/** Sources remembered for their failure counts; the oldest is forgotten first. */
const MAX_SOURCES = 100_000

/**
 * Which logins succeed: a pair from the weak set, once its source address has failed at least
 * `afterFailures` times (counted across that source's connections, as Mirai reconnects for every pair).
 */
export class LoginPolicy {
  readonly #pairs: Set<string>
  readonly #failures = new Map<string, number>()

  constructor(
    pairs: readonly { username: string; password: string }[],
    readonly afterFailures: number,
  ) {
    this.#pairs = new Set(pairs.map((p) => `${p.username}\u0000${p.password}`))
  }

  /** Decides one attempt and remembers a failure. */
  attempt(source: string, username: string, password: string): boolean {
    const failed = this.#failures.get(source) ?? 0
    if (this.#pairs.has(`${username}\u0000${password}`) && failed >= this.afterFailures) return true
    this.#failures.delete(source)
    if (this.#failures.size >= MAX_SOURCES)
      this.#failures.delete(this.#failures.keys().next().value as string)
    this.#failures.set(source, failed + 1)
    return false
  }
}

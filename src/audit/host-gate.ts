/**
 * One connection per device at a time: work on an address waits for the work before it on the same
 * address (a promise chain per address, dropped when idle).
 */
export class HostGate {
  private readonly tails = new Map<string, Promise<void>>()

  async run<T>(ip: string, work: () => Promise<T>): Promise<T> {
    const before = this.tails.get(ip) ?? Promise.resolve()
    let release!: () => void
    const mine = new Promise<void>((resolve) => {
      release = resolve
    })
    const tail = before.then(() => mine)
    this.tails.set(ip, tail)
    await before
    try {
      return await work()
    } finally {
      release()
      if (this.tails.get(ip) === tail) this.tails.delete(ip)
    }
  }
}

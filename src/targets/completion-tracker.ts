/**
 * Knows which positions of the permutation are finished, so an interrupted scan can say exactly
 * where to resume. Positions are issued in increasing order and finish in any order; the
 * watermark is the lowest position not yet finished, and the few finished positions above it
 * (at most the number in flight) are listed. Memory is bounded by what is in flight.
 */
export class CompletionTracker {
  private ring: Float64Array
  private doneFlags: Uint8Array
  private head = 0
  private len = 0
  /** Ticket of the entry at `head`: tickets are sequence numbers, stable when the ring grows. */
  private headTicket = 0
  /** Next position the walk will issue (everything below it was issued or skipped). */
  private frontier: number

  constructor(start: number) {
    this.frontier = start
    this.ring = new Float64Array(1024)
    this.doneFlags = new Uint8Array(1024)
  }

  /** Records that `position` was handed out; positions must increase. Returns its ticket. */
  issue(position: number): number {
    if (this.len === this.ring.length) this.grow()
    const slot = (this.head + this.len) % this.ring.length
    this.ring[slot] = position
    this.doneFlags[slot] = 0
    this.len++
    this.frontier = position + 1
    return this.headTicket + this.len - 1
  }

  /** Positions below `position` that were skipped (not in the space) count as done. */
  advanceTo(position: number): void {
    if (position > this.frontier) this.frontier = position
  }

  /** Marks the position of a ticket finished. */
  finish(ticket: number): void {
    this.doneFlags[(this.head + ticket - this.headTicket) % this.ring.length] = 1
    while (this.len > 0 && this.doneFlags[this.head] === 1) {
      this.head = (this.head + 1) % this.ring.length
      this.len--
      this.headTicket++
    }
  }

  /** The resume point: the lowest unfinished position, and finished positions above it. */
  snapshot(): { watermark: number; doneAbove: number[] } {
    if (this.len === 0) return { watermark: this.frontier, doneAbove: [] }
    const doneAbove: number[] = []
    for (let i = 1; i < this.len; i++) {
      const slot = (this.head + i) % this.ring.length
      if (this.doneFlags[slot] === 1) doneAbove.push(this.ring[slot] as number)
    }
    return { watermark: this.ring[this.head] as number, doneAbove }
  }

  get inFlight(): number {
    return this.len
  }

  private grow(): void {
    const n = this.ring.length * 2
    const ring = new Float64Array(n)
    const flags = new Uint8Array(n)
    for (let i = 0; i < this.len; i++) {
      const slot = (this.head + i) % this.ring.length
      ring[i] = this.ring[slot] as number
      flags[i] = this.doneFlags[slot] as number
    }
    this.ring = ring
    this.doneFlags = flags
    this.head = 0
  }
}

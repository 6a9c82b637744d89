/** The global number of login attempts one scan may make, shared by every device. */
export class AttemptBudget {
  private used = 0
  constructor(readonly limit: number) {}

  /** Takes one attempt; false once the budget is spent. */
  take(): boolean {
    if (this.used >= this.limit) return false
    this.used++
    return true
  }
}

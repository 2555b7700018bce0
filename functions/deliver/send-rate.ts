/**
 * Spaces sends to at most `perSecond`, shared by concurrent workers: SES throttles above the
 * account's send rate, and a throttled send is a retry we chose to cause.
 */
export class SendRate {
  private next = 0;
  private readonly interval: number;

  constructor(
    perSecond: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.interval = perSecond > 0 ? 1000 / perSecond : 0;
  }

  async take(): Promise<void> {
    if (this.interval === 0) return;
    const now = this.now();
    const slot = Math.max(now, this.next);
    this.next = slot + this.interval;
    if (slot > now) await new Promise((resolve) => setTimeout(resolve, slot - now));
  }
}

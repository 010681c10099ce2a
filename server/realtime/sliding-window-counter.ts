/** Counts events in the last `windowMs`; small and per connection, so no shared store is needed. */
export class SlidingWindowCounter {
  private stamps: number[] = [];

  constructor(
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  add(): void {
    this.stamps.push(this.now());
  }

  count(): number {
    const cutoff = this.now() - this.windowMs;
    while (this.stamps.length && this.stamps[0]! <= cutoff) this.stamps.shift();
    return this.stamps.length;
  }
}

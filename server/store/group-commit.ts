import type { Store } from './store.js';
import type { WriteUnit } from './write-units.js';

interface Pending {
  prepare: () => WriteUnit;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
}

/**
 * Durable writes asked for in the same turn of the event loop go to the store as one batch: one
 * commit and one fsync for all of them. Each stands alone: a write whose `prepare` throws (a check
 * that no longer holds at commit time) or whose unit fails is rejected without touching the others.
 * Callers learn the outcome only once the commit is on disk, so nothing is acknowledged before it
 * would survive power loss.
 */
export class GroupCommit {
  private pending: Pending[] = [];

  constructor(private readonly store: Store) {}

  /** @param prepare runs when the batch goes out, and returns the unit to write, or throws to withdraw it */
  run<U extends WriteUnit>(prepare: () => U): Promise<unknown> {
    return new Promise((resolve, reject) => {
      this.pending.push({ prepare, resolve, reject });
      if (this.pending.length === 1) setImmediate(() => void this.flush());
    });
  }

  private async flush(): Promise<void> {
    const batch = this.pending;
    this.pending = [];
    const going: { item: Pending; unit: WriteUnit }[] = [];
    for (const item of batch) {
      try {
        going.push({ item, unit: item.prepare() });
      } catch (err) {
        item.reject(err);
      }
    }
    if (going.length === 0) return;
    try {
      const outcomes = await this.store.writeAll(
        going.map((g) => g.unit),
        { durable: true },
      );
      going.forEach(({ item }, i) => {
        const outcome = outcomes[i]!;
        if (outcome.ok) item.resolve(outcome.value);
        else item.reject(new Error(`store write failed: ${outcome.message}`));
      });
    } catch (err) {
      // the commit itself failed: none of the writes happened
      for (const { item } of going) item.reject(err);
    }
  }
}

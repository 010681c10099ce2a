import type { Store } from './store.js';

interface Pending {
  work: () => unknown;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
}

/**
 * Durable writes that arrive in the same turn of the event loop share one transaction, so one fsync
 * serves all of them. Each write still stands alone: it runs in its own savepoint, and a write that
 * throws is rolled back and rejected without touching the others. Callers learn the outcome only
 * after the shared commit, so nothing is acknowledged before it is on disk.
 *
 * Under load this is what keeps the disk from setting the pace: while one commit waits for its
 * fsync, the writes queued behind it pile up and then go out together.
 */
export class GroupCommit {
  private pending: Pending[] = [];

  constructor(private readonly store: Store) {}

  run<T>(work: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.pending.push({ work, resolve: resolve as (value: unknown) => void, reject });
      if (this.pending.length === 1) setImmediate(() => this.flush());
    });
  }

  private flush(): void {
    const batch = this.pending;
    this.pending = [];
    const outcomes: ({ ok: true; value: unknown } | { ok: false; err: unknown })[] = [];
    try {
      this.store.transaction(() => {
        for (const item of batch) {
          try {
            outcomes.push({ ok: true, value: this.store.transaction(item.work) });
          } catch (err) {
            outcomes.push({ ok: false, err });
          }
        }
      });
    } catch (err) {
      // the commit itself failed: none of the writes happened
      for (const item of batch) item.reject(err);
      return;
    }
    batch.forEach((item, i) => {
      const outcome = outcomes[i]!;
      if (outcome.ok) item.resolve(outcome.value);
      else item.reject(outcome.err);
    });
  }
}

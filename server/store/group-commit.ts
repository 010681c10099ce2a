import type { Store } from './store.js';

interface Pending {
  work: () => unknown;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
}

/**
 * Durable writes that arrive in the same turn of the event loop share one transaction, and the
 * fsync after it (see WalSync) is shared with any other commit waiting for one. Each write still
 * stands alone: it runs in its own savepoint, and a write that throws is rolled back and rejected
 * without touching the others. Callers learn the outcome only once the commit is on disk, so nothing
 * is acknowledged before it would survive power loss.
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
      this.store.recoverable(() => {
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
    this.store.sync().then(
      () =>
        batch.forEach((item, i) => {
          const outcome = outcomes[i]!;
          if (outcome.ok) item.resolve(outcome.value);
          else item.reject(outcome.err);
        }),
      (err: unknown) => {
        for (const item of batch) item.reject(err);
      },
    );
  }
}

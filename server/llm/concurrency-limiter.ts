/**
 * Caps how many requests are in flight to the model endpoint at once (LLM_MAX_CONCURRENCY), so a burst
 * of answers queues here instead of tripping the provider's rate limit. FIFO; a waiter whose signal
 * aborts leaves the queue without taking a slot.
 */
export interface ConcurrencyLimiter {
  /** Runs `task` when a slot is free; rejects with the signal's reason if it aborts while queued. */
  run<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T>;
  /** tasks running now */
  readonly active: number;
  /** tasks waiting for a slot */
  readonly waiting: number;
}

/** @param max slots, at least 1 */
export function createConcurrencyLimiter(max: number): ConcurrencyLimiter {
  if (!Number.isInteger(max) || max < 1) throw new RangeError(`concurrency limit must be an integer >= 1, got ${max}`);
  let active = 0;
  const queue: Array<() => void> = [];

  const release = () => {
    active -= 1;
    const next = queue.shift();
    if (next) next();
  };

  const acquire = (signal?: AbortSignal): Promise<void> => {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (active < max) {
      active += 1;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const grant = () => {
        signal?.removeEventListener('abort', onAbort);
        active += 1;
        resolve();
      };
      const onAbort = () => {
        const i = queue.indexOf(grant);
        if (i >= 0) queue.splice(i, 1);
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      queue.push(grant);
    });
  };

  return {
    async run(task, signal) {
      await acquire(signal);
      try {
        return await task();
      } finally {
        release();
      }
    },
    get active() {
      return active;
    },
    get waiting() {
      return queue.length;
    },
  };
}

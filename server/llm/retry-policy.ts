import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';

/**
 * HTTP retries for model calls, done here instead of in the SDK because the SDK obeys Retry-After with
 * no upper bound: a server answering 429 with `retry-after: 60` would hold an answer for a minute.
 * Here a wait longer than `maxDelayMs` is not taken at all: the call fails as rate-limited at once, and
 * the caller's deadline signal still bounds everything.
 */
export interface RetryPolicy {
  /** retries after the first attempt; default 2 */
  maxRetries: number;
  /** first backoff, doubled per retry, minus up to 25 % jitter; default 200 ms */
  baseDelayMs: number;
  /** longest single wait, whether backoff or server-requested; default 2000 ms */
  maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: Readonly<RetryPolicy> = Object.freeze({ maxRetries: 2, baseDelayMs: 200, maxDelayMs: 2000 });

/** Server-requested wait in ms from `retry-after-ms` or `retry-after` (seconds or an HTTP date). */
export function retryAfterMs(headers: Headers | undefined, nowMs = Date.now()): number | undefined {
  const ms = Number(headers?.get('retry-after-ms') ?? NaN);
  if (Number.isFinite(ms) && ms >= 0) return ms;
  const raw = headers?.get('retry-after');
  if (!raw) return undefined;
  const seconds = Number(raw);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(raw);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}

/**
 * How long to wait before retry number `retry` (0-based), or undefined when the error is not worth
 * retrying (4xx other than 408/409/429, timeouts, aborts, an over-long Retry-After, retries used up).
 */
export function retryDelayMs(err: unknown, retry: number, policy: RetryPolicy, random: () => number = Math.random): number | undefined {
  if (retry >= policy.maxRetries) return undefined;
  // Timeouts and aborts come from our own deadline; another attempt could only overrun it.
  if (err instanceof APIConnectionTimeoutError || err instanceof APIUserAbortError) return undefined;
  let requested: number | undefined;
  if (err instanceof APIConnectionError) {
    // a refused or reset connection: plain backoff
  } else if (err instanceof APIError && err.status !== undefined) {
    const header = err.headers?.get('x-should-retry');
    if (header === 'false') return undefined;
    const retryable = header === 'true' || [408, 409, 429].includes(err.status) || err.status >= 500;
    if (!retryable) return undefined;
    requested = retryAfterMs(err.headers);
  } else {
    return undefined;
  }
  if (requested !== undefined) return requested <= policy.maxDelayMs ? requested : undefined;
  const backoff = policy.baseDelayMs * 2 ** retry * (1 - 0.25 * random());
  return Math.min(backoff, policy.maxDelayMs);
}

/** Resolves after `ms`, or rejects with the signal's reason as soon as it aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

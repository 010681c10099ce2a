/**
 * Stops calling an endpoint that keeps failing, so every answer does not wait out a full timeout
 * before falling back. closed -> (failureThreshold consecutive failures) -> open -> (cooldownMs) ->
 * half-open: exactly one trial call goes through; its success closes the circuit, its failure opens it
 * for another cool-down.
 */
export type CircuitState = 'closed' | 'open' | 'half-open';

export interface CircuitBreakerOptions {
  /** consecutive failures that open the circuit; default 5 */
  failureThreshold?: number;
  /** how long the circuit stays open before a trial call, ms; default 30 000 */
  cooldownMs?: number;
  /** clock, ms; default Date.now */
  now?: () => number;
  /** called on every state change, e.g. for a log line or a gauge */
  onStateChange?: (state: CircuitState) => void;
}

export interface CircuitBreaker {
  readonly state: CircuitState;
  /** True when a call may go ahead now. In half-open, only the first caller gets true. */
  tryAcquire(): boolean;
  /** the endpoint answered properly */
  recordSuccess(): void;
  /** the endpoint failed (timeout, HTTP error, bad output) */
  recordFailure(): void;
  /** the call ended without saying anything about the endpoint (the caller cancelled) */
  recordNeutral(): void;
}

/** A breaker starting closed; see CircuitBreakerOptions for the defaults. */
export function createCircuitBreaker(options: CircuitBreakerOptions = {}): CircuitBreaker {
  const threshold = options.failureThreshold ?? 5;
  const cooldownMs = options.cooldownMs ?? 30_000;
  const now = options.now ?? Date.now;
  let state: CircuitState = 'closed';
  let failures = 0;
  let openedAt = 0;
  let trialInFlight = false;

  const moveTo = (next: CircuitState) => {
    if (next === state) return;
    state = next;
    options.onStateChange?.(next);
  };

  return {
    get state() {
      return state;
    },
    tryAcquire() {
      if (state === 'closed') return true;
      if (state === 'open' && now() - openedAt >= cooldownMs) moveTo('half-open');
      if (state === 'half-open' && !trialInFlight) {
        trialInFlight = true;
        return true;
      }
      return false;
    },
    recordSuccess() {
      failures = 0;
      trialInFlight = false;
      moveTo('closed');
    },
    recordFailure() {
      if (state === 'half-open' || ++failures >= threshold) {
        openedAt = now();
        trialInFlight = false;
        moveTo('open');
      }
    },
    recordNeutral() {
      // Back to open with the old opening time, so the next caller becomes the trial at once.
      if (state === 'half-open') {
        trialInFlight = false;
        moveTo('open');
      }
    },
  };
}

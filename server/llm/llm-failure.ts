import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';

/**
 * Why a model call produced no usable result. These are short, fixed and safe to show or store;
 * the provider's own message never leaves the `detail` field, which is for logs only.
 */
export const LLM_FAILURE_REASONS = [
  'timeout', // the deadline (LLM_TIMEOUT_MS) passed
  'aborted', // the caller cancelled
  'rate-limited', // 429 that retries could not get past within the wait cap
  'http-error', // any other HTTP error status, after retries
  'connection', // refused, reset, DNS
  'refusal', // the model declined, or a content filter stopped it
  'truncated', // the reply stopped early (no finish, or finish_reason "length")
  'malformed-response', // a stream chunk or body that is not the chat-completions protocol
  'invalid-output', // the reply did not fit the schema, even after the repair try
  'circuit-open', // calls are paused after repeated failures
  'error', // anything else (a bug)
] as const;

export type LlmFailureReason = (typeof LLM_FAILURE_REASONS)[number];

/** A deadline abort carries a DOMException named TimeoutError (AbortSignal.timeout does the same). */
export function isTimeoutReason(reason: unknown): boolean {
  return reason instanceof Error && reason.name === 'TimeoutError';
}

/**
 * Maps whatever a call threw to a reason. The signal is checked first: once it has aborted, the SDK's
 * error is only a consequence of that.
 */
export function classifyLlmError(err: unknown, signal?: AbortSignal): LlmFailureReason {
  if (signal?.aborted) return isTimeoutReason(signal.reason) ? 'timeout' : 'aborted';
  if (err instanceof APIConnectionTimeoutError) return 'timeout';
  if (err instanceof APIUserAbortError) return 'aborted';
  if (err instanceof APIConnectionError) return 'connection';
  if (err instanceof APIError) {
    if (err.status === 429) return 'rate-limited';
    // An error event inside a stream arrives as an APIError without a status.
    return err.status === undefined ? 'malformed-response' : 'http-error';
  }
  if (isTimeoutReason(err)) return 'timeout';
  if (err instanceof Error && err.name === 'AbortError') return 'aborted';
  // JSON.parse of an SSE chunk, or the body cut mid-stream (undici "terminated").
  if (err instanceof SyntaxError || (err instanceof TypeError && /terminated|body/i.test(err.message))) return 'malformed-response';
  return 'error';
}

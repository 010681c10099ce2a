/**
 * The one error type the service raises on purpose. Clients only ever see `code` and `message`;
 * stacks and provider text stay in the logs.
 */
export const ERROR_CODES = [
  'BAD_REQUEST', // payload failed validation
  'UNAUTHORIZED', // missing or wrong session token
  'NOT_FOUND', // unknown session, bank, question or turn
  'CONFLICT', // the action does not fit the interview's state (answer to a stale turn, finished session)
  'TOO_LARGE', // answer or body over the configured size
  'RATE_LIMITED', // a per-socket, per-IP or HTTP limit was hit
  'UNAVAILABLE', // shutting down or a dependency is down
  'INTERNAL', // anything unexpected
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

const HTTP_STATUS: Record<ErrorCode, number> = {
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  NOT_FOUND: 404,
  CONFLICT: 409,
  TOO_LARGE: 413,
  RATE_LIMITED: 429,
  UNAVAILABLE: 503,
  INTERNAL: 500,
};

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'AppError';
  }

  get httpStatus(): number {
    return HTTP_STATUS[this.code];
  }

  toJSON(): { code: ErrorCode; message: string } {
    return { code: this.code, message: this.message };
  }
}

/** Anything thrown becomes an AppError; unknown errors lose their message so nothing internal leaks. */
export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  return new AppError('INTERNAL', 'Something went wrong on our side. Your answers so far are saved.');
}

const MAX_ISSUE_CHARS = 160;
const MAX_MESSAGE_CHARS = 500;
const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/**
 * Formats zod issues as "path: reason" so a client sees which field was wrong. Paths and reasons can
 * echo what the client sent (unknown key names), so each part and the whole are kept short.
 */
export function describeIssues(issues: ReadonlyArray<{ path: PropertyKey[]; message: string }>): string {
  const parts = issues
    .slice(0, 5)
    .map((i) => clip(`${i.path.length ? i.path.map((p) => clip(String(p), 40)).join('.') : '(root)'}: ${i.message}`, MAX_ISSUE_CHARS));
  return clip(parts.join('; '), MAX_MESSAGE_CHARS);
}

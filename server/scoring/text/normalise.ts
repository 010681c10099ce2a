import { tokenise } from './tokenise.js';

/**
 * Lowercase, punctuation to single spaces, trimmed: the plain form cues and answers are compared in.
 * "SELECT ... FOR UPDATE" -> "select for update", "/v1/users" -> "v1 users".
 */
export function normalise(text: string): string {
  return tokenise(text)
    .map((t) => t.lower)
    .join(' ');
}

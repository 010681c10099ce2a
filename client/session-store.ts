import type { Mode, QuestionKind } from '../server/realtime/contract.js';

/** What a question turn was, kept so a resumed transcript can still mark follow-ups and numbers. */
export interface TurnMeta {
  index: number;
  total: number;
  kind: QuestionKind;
  questionId: string;
}

/** The unfinished interview this browser is sitting, kept in localStorage until it completes. */
export interface StoredSession {
  sessionId: string;
  /** bearer secret for the session; the server shows it once */
  token: string;
  /** ISO 8601 */
  startedAt: string;
  candidate: string;
  mode?: Mode;
  total?: number;
  turns?: Record<string, TurnMeta>;
}

const KEY = 'mock-interviewer.session';

export function loadSession(): StoredSession | null {
  let raw: string | null;
  try {
    raw = localStorage.getItem(KEY);
  } catch {
    return null; // storage disabled (private mode, policy)
  }
  if (!raw) return null;
  try {
    const value: unknown = JSON.parse(raw);
    return isStoredSession(value) ? value : null;
  } catch {
    return null;
  }
}

export function saveSession(session: StoredSession): void {
  try {
    localStorage.setItem(KEY, JSON.stringify(session));
  } catch {
    // Persistence is a convenience; the interview still works without it.
  }
}

export function clearSession(): void {
  try {
    localStorage.removeItem(KEY);
  } catch {
    // see saveSession
  }
}

function isStoredSession(value: unknown): value is StoredSession {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.sessionId === 'string' &&
    v.sessionId.length > 0 &&
    typeof v.token === 'string' &&
    v.token.length > 0 &&
    typeof v.startedAt === 'string' &&
    typeof v.candidate === 'string' &&
    (v.turns === undefined || (typeof v.turns === 'object' && v.turns !== null))
  );
}

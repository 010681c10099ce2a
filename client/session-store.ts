import type { Mode, SessionStatus } from '../server/realtime/contract.js';

/**
 * One interview this browser started, kept in localStorage so its report stays reachable: the server
 * shows a session's token once and stores only its hash, so losing the token loses the report.
 */
export interface HistoryEntry {
  sessionId: string;
  /** bearer secret for the session */
  token: string;
  /** ISO 8601 */
  startedAt: string;
  candidate: string;
  status: SessionStatus;
  /** 0..100 once known (the completion event or the report); null when nothing was answered */
  overall?: number | null;
  /** bank question ids, in the order asked (known up front for reviews and retries) */
  questionIds?: string[];
  /** the earlier session this one retries */
  retryOf?: string;
  mode?: Mode;
  total?: number;
  bank?: string;
  followUps?: number;
}

interface Stored {
  version: 1;
  /** the unfinished interview this browser is sitting, offered for resume on load */
  current: string | null;
  sessions: HistoryEntry[];
}

const KEY = 'mock-interviewer.sessions';
/** Before history, only the unfinished session was kept, under this key. */
const LEGACY_KEY = 'mock-interviewer.session';
/** Old finished sessions beyond this are dropped; unfinished ones are kept. */
const MAX_SESSIONS = 200;

function read(): Stored {
  const empty: Stored = { version: 1, current: null, sessions: [] };
  let raw: string | null;
  let legacy: string | null;
  try {
    raw = localStorage.getItem(KEY);
    legacy = localStorage.getItem(LEGACY_KEY);
  } catch {
    return empty; // storage disabled (private mode, policy)
  }
  let stored = empty;
  if (raw) {
    try {
      const value = JSON.parse(raw) as Partial<Stored> | null;
      if (value && Array.isArray(value.sessions)) {
        stored = {
          version: 1,
          current: typeof value.current === 'string' ? value.current : null,
          sessions: value.sessions.map(toEntry).filter((e): e is HistoryEntry => e !== null),
        };
      }
    } catch {
      // a corrupt value is replaced on the next write
    }
  }
  if (legacy !== null) {
    stored = migrateLegacy(stored, legacy);
    write(stored);
    try {
      localStorage.removeItem(LEGACY_KEY);
    } catch {
      // see write
    }
  }
  return stored;
}

function write(stored: Stored): void {
  const finished = stored.sessions.filter((s) => s.status === 'complete');
  if (finished.length > MAX_SESSIONS) {
    const drop = new Set(finished.sort(byStartedAt).slice(0, finished.length - MAX_SESSIONS).map((s) => s.sessionId));
    stored = { ...stored, sessions: stored.sessions.filter((s) => !drop.has(s.sessionId)) };
  }
  try {
    localStorage.setItem(KEY, JSON.stringify(stored));
  } catch {
    // Persistence is a convenience; the interview still works without it.
  }
}

/** The single-session value of earlier versions becomes the current (unfinished) history entry. */
function migrateLegacy(stored: Stored, raw: string): Stored {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return stored;
  }
  const entry = toEntry({ ...(value as object), status: 'active' });
  if (!entry || stored.sessions.some((s) => s.sessionId === entry.sessionId)) return stored;
  return { ...stored, current: stored.current ?? entry.sessionId, sessions: [...stored.sessions, entry] };
}

function toEntry(value: unknown): HistoryEntry | null {
  if (typeof value !== 'object' || value === null) return null;
  const v = value as Record<string, unknown>;
  if (typeof v.sessionId !== 'string' || !v.sessionId || typeof v.token !== 'string' || !v.token) return null;
  if (typeof v.startedAt !== 'string') return null;
  const entry: HistoryEntry = {
    sessionId: v.sessionId,
    token: v.token,
    startedAt: v.startedAt,
    candidate: typeof v.candidate === 'string' ? v.candidate : '',
    status: v.status === 'complete' ? 'complete' : 'active',
  };
  if (typeof v.overall === 'number' || v.overall === null) entry.overall = v.overall;
  if (Array.isArray(v.questionIds) && v.questionIds.every((q) => typeof q === 'string')) entry.questionIds = v.questionIds;
  if (typeof v.retryOf === 'string') entry.retryOf = v.retryOf;
  if (v.mode === 'practice' || v.mode === 'realistic') entry.mode = v.mode;
  if (typeof v.total === 'number') entry.total = v.total;
  if (typeof v.bank === 'string') entry.bank = v.bank;
  if (typeof v.followUps === 'number') entry.followUps = v.followUps;
  return entry;
}

const byStartedAt = (a: HistoryEntry, b: HistoryEntry): number => Date.parse(a.startedAt) - Date.parse(b.startedAt);

/** Every session this browser knows, newest first. */
export function loadHistory(): HistoryEntry[] {
  return read().sessions.sort(byStartedAt).reverse();
}

export function findSession(sessionId: string): HistoryEntry | null {
  return read().sessions.find((s) => s.sessionId === sessionId) ?? null;
}

/** The unfinished interview to offer for resume, if any. */
export function currentSession(): HistoryEntry | null {
  const stored = read();
  const entry = stored.sessions.find((s) => s.sessionId === stored.current);
  return entry && entry.status === 'active' ? entry : null;
}

/** Adds or replaces a session and makes it the current one. */
export function rememberSession(entry: HistoryEntry): void {
  const stored = read();
  write({ ...stored, current: entry.sessionId, sessions: [...stored.sessions.filter((s) => s.sessionId !== entry.sessionId), entry] });
}

export function updateSession(sessionId: string, patch: Partial<Omit<HistoryEntry, 'sessionId' | 'token'>>): void {
  const stored = read();
  let changed = false;
  const sessions = stored.sessions.map((s) => {
    if (s.sessionId !== sessionId) return s;
    changed = true;
    return { ...s, ...patch };
  });
  if (changed) write({ ...stored, sessions });
}

/** Appends a bank question id as it is asked, for sessions whose questions were picked by the server. */
export function noteQuestion(sessionId: string, questionId: string): void {
  const entry = findSession(sessionId);
  if (!entry || entry.questionIds?.includes(questionId)) return;
  updateSession(sessionId, { questionIds: [...(entry.questionIds ?? []), questionId] });
}

/** No interview is waiting for resume any more (finished, or set aside); the entry stays in history. */
export function clearCurrent(): void {
  const stored = read();
  if (stored.current !== null) write({ ...stored, current: null });
}

/** Removes a session from history, token and all. */
export function forgetSession(sessionId: string): void {
  const stored = read();
  write({
    ...stored,
    current: stored.current === sessionId ? null : stored.current,
    sessions: stored.sessions.filter((s) => s.sessionId !== sessionId),
  });
}

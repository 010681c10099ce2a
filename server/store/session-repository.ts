import type { Db } from './database.js';
import type { FrozenQuestion } from './frozen-questions.js';
import type { Mode } from '../realtime/contract.js';
import type { Question } from '../bank/bank-schema.js';

export interface SessionRow {
  id: string;
  tokenHash: string;
  candidate: string | null;
  bankId: string;
  mode: Mode;
  level: string;
  topics: string[];
  followUps: number;
  questionIds: string[];
  status: 'active' | 'complete';
  overall: number | null;
  clientIp: string | null;
  createdAt: string;
  completedAt: string | null;
  /** the session whose questions this one retries */
  retryOf: string | null;
  /** the planned questions as they were when the session started; null for sessions stored before this was kept */
  questions: Question[] | null;
}

export interface SessionSummary {
  id: string;
  candidate: string | null;
  bankId: string;
  mode: Mode;
  status: 'active' | 'complete';
  overall: number | null;
  createdAt: string;
  completedAt: string | null;
}

interface RawSession {
  id: string;
  token_hash: string;
  candidate: string | null;
  bank_id: string;
  mode: Mode;
  level: string;
  topics: string;
  follow_ups: number;
  question_ids: string;
  status: 'active' | 'complete';
  overall: number | null;
  client_ip: string | null;
  created_at: string;
  completed_at: string | null;
  retry_of: string | null;
  question_keys: string | null;
  /** from session_questions: a session stored before frozen_questions */
  questions: string | null;
}

const PARSED_QUESTIONS_KEPT = 10_000;

/** What `json` parses to, parsed once under `key` and kept (the oldest dropped past PARSED_QUESTIONS_KEPT). */
function parsedOnce<T>(cache: Map<string, T>, key: string, json: () => string): T {
  let parsed = cache.get(key);
  if (!parsed) {
    parsed = JSON.parse(json()) as T;
    if (cache.size >= PARSED_QUESTIONS_KEPT) cache.delete(cache.keys().next().value!);
    cache.set(key, parsed);
  }
  return parsed;
}

function fromRow(r: RawSession, questions: Question[] | null): SessionRow {
  return {
    id: r.id,
    tokenHash: r.token_hash,
    candidate: r.candidate,
    bankId: r.bank_id,
    mode: r.mode,
    level: r.level,
    topics: JSON.parse(r.topics) as string[],
    followUps: r.follow_ups,
    questionIds: JSON.parse(r.question_ids) as string[],
    status: r.status,
    overall: r.overall,
    clientIp: r.client_ip,
    createdAt: r.created_at,
    completedAt: r.completed_at,
    retryOf: r.retry_of,
    questions,
  };
}

export class SessionRepository {
  private readonly insertStmt;
  private readonly insertFrozenStmt;
  private readonly frozenStmt;
  private readonly getStmt;
  private readonly completeStmt;
  private readonly activeByIpStmt;
  private readonly activeStmt;
  private readonly listStmt;
  private readonly listByStatusStmt;
  private readonly withoutReportStmt;
  /**
   * Frozen questions never change once stored, and they are the bulk of what is read for a session
   * (references, cues), so each is parsed once and kept, per database: by its key, and the questions of
   * a session stored before frozen_questions by the session's id.
   */
  private readonly frozenByKey = new Map<string, Question>();
  private readonly legacyBySession = new Map<string, Question[]>();

  constructor(db: Db) {
    this.insertStmt = db.prepare(
      `INSERT INTO sessions (id, token_hash, candidate, bank_id, mode, level, topics, follow_ups, question_ids, status, client_ip, created_at, retry_of, question_keys)
       VALUES (@id, @tokenHash, @candidate, @bankId, @mode, @level, @topics, @followUps, @questionIds, 'active', @clientIp, @createdAt, @retryOf, @questionKeys)`,
    );
    // a question already frozen by an earlier session is found by its key, and nothing is written for it
    this.insertFrozenStmt = db.prepare('INSERT OR IGNORE INTO frozen_questions (key, question) VALUES (?, ?)');
    this.frozenStmt = db.prepare<[string], { question: string }>('SELECT question FROM frozen_questions WHERE key = ?');
    this.getStmt = db.prepare<[string], RawSession>(
      'SELECT s.*, q.questions FROM sessions s LEFT JOIN session_questions q ON q.session_id = s.id WHERE s.id = ?',
    );
    this.completeStmt = db.prepare(
      `UPDATE sessions SET status = 'complete', overall = @overall, completed_at = @completedAt WHERE id = @id AND status = 'active'`,
    );
    this.activeByIpStmt = db.prepare<[string, string], { n: number }>(
      `SELECT count(*) AS n FROM sessions WHERE client_ip = ? AND status = 'active' AND created_at >= ?`,
    );
    this.activeStmt = db.prepare<[], { n: number }>(`SELECT count(*) AS n FROM sessions WHERE status = 'active'`);
    this.listStmt = db.prepare<[number], RawSession>('SELECT * FROM sessions ORDER BY created_at DESC LIMIT ?');
    this.listByStatusStmt = db.prepare<[string, number], RawSession>('SELECT * FROM sessions WHERE status = ? ORDER BY created_at DESC LIMIT ?');
    this.withoutReportStmt = db.prepare<[], { id: string }>(
      `SELECT s.id FROM sessions s LEFT JOIN reports r ON r.session_id = s.id WHERE s.status = 'complete' AND r.session_id IS NULL`,
    );
  }

  /** Call inside a transaction: the session and the questions it freezes (frozen-questions.ts) are several rows. */
  create(s: Omit<SessionRow, 'status' | 'overall' | 'completedAt' | 'questions'> & { questions?: readonly FrozenQuestion[] | null }): void {
    const { questions, ...session } = s;
    const keys = questions?.map(({ key, json }) => {
      this.insertFrozenStmt.run(key, json);
      return key;
    });
    this.insertStmt.run({
      ...session,
      topics: JSON.stringify(s.topics),
      questionIds: JSON.stringify(s.questionIds),
      questionKeys: keys ? JSON.stringify(keys) : null,
    });
  }

  get(id: string): SessionRow | undefined {
    const r = this.getStmt.get(id);
    return r ? fromRow(r, this.questionsOf(r)) : undefined;
  }

  private questionsOf(r: RawSession): Question[] | null {
    if (r.question_keys) {
      return (JSON.parse(r.question_keys) as string[]).map((key) =>
        parsedOnce(this.frozenByKey, key, () => {
          const row = this.frozenStmt.get(key);
          if (!row) throw new Error(`session ${r.id}: frozen question ${key} is missing`);
          return row.question;
        }),
      );
    }
    return r.questions ? parsedOnce(this.legacyBySession, r.id, () => r.questions!) : null;
  }

  /** Returns false when the session was already complete. */
  complete(id: string, overall: number, completedAt: string): boolean {
    return this.completeStmt.run({ id, overall, completedAt }).changes === 1;
  }

  /** Unfinished sessions from one address started at or after `since` (ISO 8601). */
  countActiveByIp(ip: string, since: string): number {
    return this.activeByIpStmt.get(ip, since)?.n ?? 0;
  }

  /** Newest first, for operators: no token hashes, no answers. */
  list(limit: number, status?: 'active' | 'complete'): SessionSummary[] {
    const rows = status ? this.listByStatusStmt.all(status, limit) : this.listStmt.all(limit);
    return rows.map((r) => ({ id: r.id, candidate: r.candidate, bankId: r.bank_id, mode: r.mode, status: r.status, overall: r.overall, createdAt: r.created_at, completedAt: r.completed_at }));
  }

  countActive(): number {
    return this.activeStmt.get()?.n ?? 0;
  }

  /** Completed sessions whose final report was never stored (the process died while writing it). */
  completeWithoutReport(): string[] {
    return this.withoutReportStmt.all().map((r) => r.id);
  }
}

import type { FrozenQuestion } from './frozen-questions.js';
import type { Assessment } from '../scoring/assessment.js';
import type { Report } from '../reports/report-model.js';
import type { SessionRepository, SessionRow } from './session-repository.js';
import type { TranscriptRepository, TurnRow } from './transcript-repository.js';
import type { AssessmentRepository } from './assessment-repository.js';
import type { ReportRepository } from './report-repository.js';

/** A session to store, its questions frozen (frozen-questions.ts). */
export type NewSession = Omit<SessionRow, 'status' | 'overall' | 'completedAt' | 'questions'> & { questions: readonly FrozenQuestion[] | null };
export type NewTurn = Pick<TurnRow, 'id' | 'sessionId' | 'questionIndex' | 'questionId' | 'kind' | 'parentTurnId' | 'pointId' | 'text' | 'askedAt'>;

/**
 * The writes an interview makes, as plain data: each is one atomic change, and can be carried to
 * the writer thread (see StoreWriter) and applied there.
 */
export type WriteUnit =
  | { kind: 'start'; session: NewSession; turn: NewTurn }
  | { kind: 'answer'; sessionId: string; turnId: string; text: string; answeredAt: string }
  /** `ask`: the next question, asked in the same commit, and only if this answer was still waiting for its score */
  | { kind: 'scored'; sessionId: string; turnId: string; assessment: Assessment; scoredAt: string; ask?: NewTurn }
  | { kind: 'ask'; turn: NewTurn }
  | { kind: 'complete'; sessionId: string; overall: number; completedAt: string }
  | { kind: 'report'; report: Report; createdAt: string };

/** What applying each kind of unit returns: false when a conditional change found the row already changed. */
export interface WriteResults {
  start: void;
  answer: boolean;
  scored: boolean;
  ask: void;
  complete: boolean;
  report: void;
}

export type WriteResult<U extends WriteUnit> = WriteResults[U['kind']];

export interface Repositories {
  sessions: SessionRepository;
  transcript: TranscriptRepository;
  assessments: AssessmentRepository;
  reports: ReportRepository;
}

/** Applies one unit. Call inside a transaction: a unit of several statements must not half-happen. */
export function applyUnit(repos: Repositories, unit: WriteUnit): WriteResults[WriteUnit['kind']] {
  switch (unit.kind) {
    case 'start':
      repos.sessions.create(unit.session);
      repos.transcript.ask(unit.turn);
      return;
    case 'answer':
      return repos.transcript.answer(unit.sessionId, unit.turnId, unit.text, unit.answeredAt);
    case 'scored':
      if (!repos.transcript.markScored(unit.sessionId, unit.turnId)) return false;
      repos.assessments.save(unit.sessionId, unit.turnId, unit.assessment, unit.scoredAt);
      if (unit.ask) repos.transcript.ask(unit.ask);
      return true;
    case 'ask':
      repos.transcript.ask(unit.turn);
      return;
    case 'complete':
      return repos.sessions.complete(unit.sessionId, unit.overall, unit.completedAt);
    case 'report':
      repos.reports.save(unit.report, unit.createdAt);
      return;
  }
}

/** The outcome of one unit in a batch: units fail alone. */
export type UnitOutcome = { ok: true; value: unknown } | { ok: false; message: string };

/**
 * Applies a batch in one transaction, each unit in its own savepoint so that a failing unit is
 * rolled back alone. Whether the commit waits for the disk is the connection's setting; the writer
 * thread commits without waiting and syncs the WAL itself before acknowledging a durable write.
 */
export function applyBatch(db: import('./database.js').Db, repos: Repositories, units: readonly WriteUnit[]): UnitOutcome[] {
  const outcomes: UnitOutcome[] = [];
  db.transaction(() => {
    for (const unit of units) {
      try {
        outcomes.push({ ok: true, value: db.transaction(() => applyUnit(repos, unit))() });
      } catch (err) {
        outcomes.push({ ok: false, message: err instanceof Error ? err.message : String(err) });
      }
    }
  })();
  return outcomes;
}

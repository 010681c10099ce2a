import type { Db } from './database.js';
import type { QuestionKind, TranscriptEntry } from '../realtime/contract.js';

export type TurnStatus = 'asked' | 'answered' | 'scored';

export interface TurnRow {
  id: string;
  sessionId: string;
  seq: number;
  questionIndex: number;
  questionId: string;
  kind: QuestionKind;
  parentTurnId: string | null;
  pointId: string | null;
  text: string;
  askedAt: string;
  answer: string | null;
  answeredAt: string | null;
  status: TurnStatus;
}

interface RawTurn {
  id: string;
  session_id: string;
  seq: number;
  question_index: number;
  question_id: string;
  kind: QuestionKind;
  parent_turn_id: string | null;
  point_id: string | null;
  text: string;
  asked_at: string;
  answer: string | null;
  answered_at: string | null;
  status: TurnStatus;
}

const fromRow = (r: RawTurn): TurnRow => ({
  id: r.id,
  sessionId: r.session_id,
  seq: r.seq,
  questionIndex: r.question_index,
  questionId: r.question_id,
  kind: r.kind,
  parentTurnId: r.parent_turn_id,
  pointId: r.point_id,
  text: r.text,
  askedAt: r.asked_at,
  answer: r.answer,
  answeredAt: r.answered_at,
  status: r.status,
});

/** Turns (question + answer pairs), and the message transcript read from them (the `messages` view). */
export class TranscriptRepository {
  private readonly insertTurnStmt;
  private readonly answerStmt;
  private readonly markScoredStmt;
  private readonly turnsStmt;
  private readonly turnStmt;
  private readonly messagesStmt;
  private readonly unscoredStmt;

  constructor(db: Db) {
    this.insertTurnStmt = db.prepare(
      `INSERT INTO turns (id, session_id, seq, question_index, question_id, kind, parent_turn_id, point_id, text, asked_at, status)
       VALUES (@id, @sessionId, (SELECT coalesce(max(seq), 0) + 1 FROM turns WHERE session_id = @sessionId),
               @questionIndex, @questionId, @kind, @parentTurnId, @pointId, @text, @askedAt, 'asked')`,
    );
    this.answerStmt = db.prepare(
      // only the session's last turn: the transcript (the messages view) numbers a turn's answer right after its question
      `UPDATE turns SET answer = @answer, answered_at = @answeredAt, status = 'answered'
       WHERE id = @id AND session_id = @sessionId AND status = 'asked' AND seq = (SELECT max(seq) FROM turns WHERE session_id = @sessionId)`,
    );
    this.markScoredStmt = db.prepare(`UPDATE turns SET status = 'scored' WHERE id = ? AND session_id = ? AND status = 'answered'`);
    this.turnsStmt = db.prepare<[string], RawTurn>('SELECT * FROM turns WHERE session_id = ? ORDER BY seq');
    this.turnStmt = db.prepare<[string], RawTurn>('SELECT * FROM turns WHERE id = ?');
    this.messagesStmt = db.prepare<
      [string],
      { seq: number; role: 'interviewer' | 'candidate'; turn_id: string; kind: QuestionKind; question_index: number; text: string; created_at: string }
    >(
      `SELECT m.seq, m.role, m.turn_id, t.kind, t.question_index, m.text, m.created_at
       FROM messages m JOIN turns t ON t.id = m.turn_id WHERE m.session_id = ? ORDER BY m.seq`,
    );
    this.unscoredStmt = db.prepare<[], { session_id: string }>(
      // only an active session goes on to score (a complete one had every answer scored first)
      `SELECT s.id AS session_id FROM sessions s
       WHERE s.status = 'active' AND EXISTS (SELECT 1 FROM turns t WHERE t.session_id = s.id AND t.status = 'answered')`,
    );
  }

  /** Adds a turn: its question is the transcript's next interviewer message. */
  ask(t: Pick<TurnRow, 'id' | 'sessionId' | 'questionIndex' | 'questionId' | 'kind' | 'parentTurnId' | 'pointId' | 'text' | 'askedAt'>): void {
    this.insertTurnStmt.run(t);
  }

  /** Records the answer, the transcript's next candidate message; false when the turn was not waiting for one (or is not the session's last). */
  answer(sessionId: string, turnId: string, answer: string, answeredAt: string): boolean {
    return this.answerStmt.run({ id: turnId, sessionId, answer, answeredAt }).changes === 1;
  }

  /** Marks an answered turn of the session scored; false if it is not one, or not waiting for a score. */
  markScored(sessionId: string, turnId: string): boolean {
    return this.markScoredStmt.run(turnId, sessionId).changes === 1;
  }

  turns(sessionId: string): TurnRow[] {
    return this.turnsStmt.all(sessionId).map(fromRow);
  }

  turn(turnId: string): TurnRow | undefined {
    const r = this.turnStmt.get(turnId);
    return r ? fromRow(r) : undefined;
  }

  transcript(sessionId: string): TranscriptEntry[] {
    return this.messagesStmt.all(sessionId).map((m) => ({
      seq: m.seq,
      role: m.role,
      turnId: m.turn_id,
      kind: m.kind,
      index: m.question_index,
      text: m.text,
      at: m.created_at,
    }));
  }

  /** Sessions holding an answer that was stored but never scored (the process died in between). */
  sessionsWithUnscoredAnswers(): string[] {
    return this.unscoredStmt.all().map((r) => r.session_id);
  }
}

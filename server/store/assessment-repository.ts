import type { Db } from './database.js';
import { AssessmentSchema, type Assessment } from '../scoring/assessment.js';

export class AssessmentRepository {
  private readonly insertStmt;
  private readonly bySessionStmt;

  constructor(db: Db) {
    this.insertStmt = db.prepare(
      `INSERT INTO assessments (turn_id, session_id, scorer, model, prompt_version, overall, band, prompt_tokens, completion_tokens, latency_ms, data, created_at)
       VALUES (@turnId, @sessionId, @scorer, @model, @promptVersion, @overall, @band, @promptTokens, @completionTokens, @latencyMs, @data, @createdAt)`,
    );
    this.bySessionStmt = db.prepare<[string], { turn_id: string; data: string }>(
      // through the session's turns, by their (session_id, seq) index: assessments have no index by session
      'SELECT a.turn_id, a.data FROM turns t JOIN assessments a ON a.turn_id = t.id WHERE t.session_id = ?',
    );
  }

  save(sessionId: string, turnId: string, a: Assessment, createdAt: string): void {
    this.insertStmt.run({
      turnId,
      sessionId,
      scorer: a.scorer,
      model: a.model ?? null,
      promptVersion: a.promptVersion ?? null,
      overall: a.overall,
      band: a.band,
      promptTokens: a.usage?.promptTokens ?? null,
      completionTokens: a.usage?.completionTokens ?? null,
      latencyMs: a.latencyMs,
      data: JSON.stringify(a),
      createdAt,
    });
  }

  /**
   * Assessments of a session keyed by turn id. Stored JSON is re-validated so a bad row cannot leak
   * out; one that fails is left out (and named in the error log by the caller's step) rather than
   * taking the whole session down.
   */
  forSession(sessionId: string): Map<string, Assessment> {
    const out = new Map<string, Assessment>();
    for (const row of this.bySessionStmt.all(sessionId)) {
      const parsed = AssessmentSchema.safeParse(JSON.parse(row.data));
      if (parsed.success) out.set(row.turn_id, parsed.data);
    }
    return out;
  }
}

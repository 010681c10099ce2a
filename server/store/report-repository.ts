import type { Db } from './database.js';
import { ReportSchema, type Report } from '../reports/report-model.js';

export class ReportRepository {
  private readonly upsertStmt;
  private readonly getStmt;

  constructor(db: Db) {
    this.upsertStmt = db.prepare(
      `INSERT INTO reports (session_id, version, data, created_at) VALUES (@sessionId, @version, @data, @createdAt)
       ON CONFLICT (session_id) DO UPDATE SET version = excluded.version, data = excluded.data, created_at = excluded.created_at`,
    );
    this.getStmt = db.prepare<[string], { data: string }>('SELECT data FROM reports WHERE session_id = ?');
  }

  save(report: Report, createdAt: string): void {
    this.upsertStmt.run({ sessionId: report.sessionId, version: report.version, data: JSON.stringify(report), createdAt });
  }

  /** The stored report, or undefined when none is stored or it is of an older shape (it is then rebuilt). */
  get(sessionId: string): Report | undefined {
    const row = this.getStmt.get(sessionId);
    if (!row) return undefined;
    const parsed = ReportSchema.safeParse(JSON.parse(row.data));
    return parsed.success ? parsed.data : undefined;
  }
}

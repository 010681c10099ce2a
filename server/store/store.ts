import { openDatabase, type Db } from './database.js';
import { SessionRepository } from './session-repository.js';
import { TranscriptRepository } from './transcript-repository.js';
import { AssessmentRepository } from './assessment-repository.js';
import { ReportRepository } from './report-repository.js';

/** The repositories over one SQLite file, and a way to group their writes in one transaction. */
export interface Store {
  readonly db: Db;
  readonly sessions: SessionRepository;
  readonly transcript: TranscriptRepository;
  readonly assessments: AssessmentRepository;
  readonly reports: ReportRepository;
  transaction<T>(fn: () => T): T;
  close(): void;
}

export function createStore(path: string): Store {
  const db = openDatabase(path);
  return {
    db,
    sessions: new SessionRepository(db),
    transcript: new TranscriptRepository(db),
    assessments: new AssessmentRepository(db),
    reports: new ReportRepository(db),
    transaction: <T>(fn: () => T): T => db.transaction(fn)(),
    close: () => {
      if (db.open) db.close();
    },
  };
}

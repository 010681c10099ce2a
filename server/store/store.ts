import { openDatabase, type Db } from './database.js';
import { SessionRepository } from './session-repository.js';
import { TranscriptRepository } from './transcript-repository.js';
import { AssessmentRepository } from './assessment-repository.js';
import { ReportRepository } from './report-repository.js';
import { WalSync } from './wal-sync.js';

/** The repositories over one SQLite file, and ways to group their writes in one transaction. */
export interface Store {
  readonly db: Db;
  readonly sessions: SessionRepository;
  readonly transcript: TranscriptRepository;
  readonly assessments: AssessmentRepository;
  readonly reports: ReportRepository;
  /** A durable transaction: it has reached the disk (fsync) when this returns. Nested calls become savepoints. */
  transaction<T>(fn: () => T): T;
  /**
   * A transaction that is durable when the promise resolves. It commits at once, and the fsync runs
   * off the event loop, shared with every other commit waiting for one. Acknowledge only after it resolves.
   */
  durable<T>(fn: () => T): Promise<T>;
  /** Resolves once every transaction committed so far is on disk. */
  sync(): Promise<void>;
  /**
   * A transaction that start-up recovery can redo: committed without waiting for the disk, so power
   * loss may take it back, but never out of order. In WAL mode the next durable commit makes every
   * earlier one durable too, and a lost tail never leaves a half-written transaction. A process crash
   * (as opposed to an OS crash) loses nothing either way: the data is in the OS cache.
   */
  recoverable<T>(fn: () => T): T;
  close(): void;
}

export function createStore(path: string): Store {
  const db = openDatabase(path);
  // prepared once: pragma() would compile the statement on every call
  const syncNormal = db.prepare('PRAGMA synchronous = NORMAL');
  const syncFull = db.prepare('PRAGMA synchronous = FULL');
  const wal = new WalSync(db.memory ? undefined : `${db.name}-wal`);
  const recoverable = <T>(fn: () => T): T => {
    // inside an open transaction the outer commit decides; the setting is read at commit time
    if (db.inTransaction) return db.transaction(fn)();
    syncNormal.run();
    try {
      return db.transaction(fn)();
    } finally {
      syncFull.run();
    }
  };
  return {
    db,
    sessions: new SessionRepository(db),
    transcript: new TranscriptRepository(db),
    assessments: new AssessmentRepository(db),
    reports: new ReportRepository(db),
    transaction: <T>(fn: () => T): T => db.transaction(fn)(),
    recoverable,
    durable: async <T>(fn: () => T): Promise<T> => {
      const value = recoverable(fn);
      await wal.sync();
      return value;
    },
    sync: () => wal.sync(),
    close: () => {
      if (db.open) db.close();
      wal.close();
    },
  };
}

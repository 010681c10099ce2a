import { openDatabase, type Db } from './database.js';
import { SessionRepository } from './session-repository.js';
import { TranscriptRepository } from './transcript-repository.js';
import { AssessmentRepository } from './assessment-repository.js';
import { ReportRepository } from './report-repository.js';
import { StoreWriter } from './store-writer.js';
import type { CheckpointOptions } from './wal-checkpointer.js';
import { applyBatch, type Repositories, type UnitOutcome, type WriteResult, type WriteUnit } from './write-units.js';

/** The repositories over one SQLite file; the interview's writes go through `write`. */
export interface Store {
  readonly db: Db;
  readonly sessions: SessionRepository;
  readonly transcript: TranscriptRepository;
  readonly assessments: AssessmentRepository;
  readonly reports: ReportRepository;
  /**
   * A transaction on this thread's connection, committed durably: for several reads that must see
   * one moment, and for tools and tests. The interview's writes go through `write`.
   */
  transaction<T>(fn: () => T): T;
  /**
   * Applies one write and resolves once it has committed; a durable one once it is on disk (fsync),
   * so it may be acknowledged. A non-durable write is one that can be redone if power loss takes it
   * back: an assessment (start-up scores the answer again), a next question (asked again on resume),
   * a report (start-up writes it again).
   */
  write<U extends WriteUnit>(unit: U, opts?: { durable?: boolean }): Promise<WriteResult<U>>;
  /** Several independent writes in one commit; each succeeds or fails alone. */
  writeAll(units: WriteUnit[], opts?: { durable?: boolean }): Promise<UnitOutcome[]>;
  /** Pages in the write-ahead log after the last checkpoint; undefined before the first, and in memory. */
  walPages(): number | undefined;
  /** Finishes the writes already asked for and closes the database. */
  close(): Promise<void>;
}

export interface StoreOptions {
  /** when the WAL is copied into the file, off the writer thread (see wal-checkpointer.ts) */
  checkpoints?: CheckpointOptions;
}

export function createStore(path: string, options: StoreOptions = {}): Store {
  const db = openDatabase(path);
  const repos: Repositories = {
    sessions: new SessionRepository(db),
    transcript: new TranscriptRepository(db),
    assessments: new AssessmentRepository(db),
    reports: new ReportRepository(db),
  };
  // an in-memory database exists on this connection only, so its writes stay on this thread
  const writer = db.memory ? undefined : new StoreWriter(path, options.checkpoints);
  const writeAll = async (units: WriteUnit[], opts: { durable?: boolean } = {}): Promise<UnitOutcome[]> =>
    writer ? writer.run(units, opts.durable ?? false) : applyBatch(db, repos, units);
  return {
    db,
    ...repos,
    transaction: <T>(fn: () => T): T => db.transaction(fn)(),
    writeAll,
    walPages: () => writer?.walPages,
    async write<U extends WriteUnit>(unit: U, opts?: { durable?: boolean }): Promise<WriteResult<U>> {
      const [outcome] = await writeAll([unit], opts);
      if (!outcome!.ok) throw new Error(`store write failed: ${outcome!.message}`);
      return outcome!.value as WriteResult<U>;
    },
    async close() {
      await writer?.close();
      if (db.open) db.close();
    },
  };
}

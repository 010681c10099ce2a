import Database from 'better-sqlite3';
import { workerData } from 'node:worker_threads';
import { serveRequests } from '../threads/serve-requests.js';
import type { CheckpointResult } from './wal-checkpointer.js';

/**
 * The checkpoint thread: its own connection copies committed pages from the WAL into the database
 * file, so that the writer thread seldom sits in a checkpoint's two fsyncs (see wal-checkpointer.ts).
 * The schema is the writer's business: this connection only checkpoints.
 */
const { path } = (workerData as { data: { path: string } }).data;
const db = new Database(path);
// any level but OFF: a checkpoint syncs the WAL before copying it and the file before marking frames
// copied; with OFF, the WAL could start over on top of frames not yet safely in the file
db.pragma('synchronous = NORMAL');

serveRequests(
  (): CheckpointResult => {
    // PASSIVE: takes no lock a writer needs, and never waits for one
    const [row] = db.pragma('wal_checkpoint(PASSIVE)') as { busy: number; log: number; checkpointed: number }[];
    return { walPages: row!.log, copiedPages: row!.checkpointed };
  },
  () => db.close(),
);

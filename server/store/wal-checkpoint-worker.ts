import Database from 'better-sqlite3';
import { workerData } from 'node:worker_threads';
import { serveRequests } from '../threads/serve-requests.js';
import type { CheckpointRequest, CheckpointResult } from './wal-checkpointer.js';

/**
 * The checkpoint thread: its own connection copies committed pages from the WAL into the database
 * file, so that the writer thread never sits in a checkpoint's two fsyncs (see wal-checkpointer.ts).
 * The schema is the writer's business: this connection only checkpoints.
 */
const { path } = (workerData as { data: { path: string } }).data;
const db = new Database(path);
db.pragma('busy_timeout = 5000');
// a checkpoint syncs the WAL before copying it and the file after, with either setting; FULL also
// syncs the WAL's header when it is reset
db.pragma('synchronous = FULL');

interface CheckpointRow {
  busy: number;
  log: number;
  checkpointed: number;
}

serveRequests(
  ({ restartAbovePages }: CheckpointRequest): CheckpointResult => {
    // PASSIVE takes no lock a writer needs: commits go on while it copies
    let [row] = db.pragma('wal_checkpoint(PASSIVE)') as CheckpointRow[];
    if (row!.log > restartAbovePages) {
      // the WAL restarts only when a write begins with every frame copied, which steady commits can
      // keep from happening: past this size, writers wait for one checkpoint that ends with the
      // WAL's next write starting it again from the beginning
      [row] = db.pragma('wal_checkpoint(RESTART)') as CheckpointRow[];
    }
    return { walPages: row!.log, copiedPages: row!.checkpointed, busy: row!.busy === 1 };
  },
  () => db.close(),
);

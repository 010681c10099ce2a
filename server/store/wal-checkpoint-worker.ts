import Database from 'better-sqlite3';
import { workerData } from 'node:worker_threads';
import { realpathSync } from 'node:fs';
import { serveRequests } from '../threads/serve-requests.js';
import { FileSync } from './file-sync.js';
import type { CheckpointResult } from './wal-checkpointer.js';

/**
 * The checkpoint thread: its own connection copies committed pages from the WAL into the database
 * file, so that the writer thread seldom sits in a checkpoint's two fsyncs (see wal-checkpointer.ts).
 * The schema is the writer's business: this connection only checkpoints.
 */
const { path } = (workerData as { data: { path: string } }).data;
const db = new Database(path);
// any level but OFF: a checkpoint syncs the WAL before copying it, and the file once it has copied
// every frame; with OFF, the WAL could start over on top of frames not yet safely in the file
db.pragma('synchronous = NORMAL');
/**
 * SQLite syncs the database file only after a checkpoint that copied every frame in the WAL, which
 * under steady writes is none of this thread's: one always lands while it copies. The pages it copied
 * then stay in the page cache until the writer's finish (wal-checkpointer.ts) syncs them all at once,
 * 60-100 ms with every answer waiting. Synced here after each checkpoint, the finish syncs only its own.
 */
const file = new FileSync(realpathSync(path));
let synced = 0;

serveRequests(
  (): CheckpointResult => {
    // PASSIVE: takes no lock a writer needs, and never waits for one
    const [row] = db.pragma('wal_checkpoint(PASSIVE)') as { busy: number; log: number; checkpointed: number }[];
    const fileSynced = row!.checkpointed !== synced;
    if (fileSynced) file.sync();
    synced = row!.checkpointed;
    return { walPages: row!.log, copiedPages: row!.checkpointed, fileSynced };
  },
  () => {
    file.close();
    db.close();
  },
);

import { realpathSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { openDatabase } from './database.js';
import { SessionRepository } from './session-repository.js';
import { TranscriptRepository } from './transcript-repository.js';
import { AssessmentRepository } from './assessment-repository.js';
import { ReportRepository } from './report-repository.js';
import { applyBatch, type Repositories } from './write-units.js';
import { FileSync } from './file-sync.js';
import type { WriterRequest } from './store-writer.js';
import type { Numbered, WorkerMessage, WorkerReply } from '../threads/worker-client.js';
import type { UnitOutcome } from './write-units.js';

/**
 * The writer thread: owns the only connection that writes. Requests that queue up while it is busy
 * go out together in the next transaction. Every commit returns without waiting for the disk; a
 * batch that holds a durable request is followed by a sync of the WAL on this thread (file-sync.ts)
 * before the batch's replies go back, in one message.
 */
const port = parentPort!;
const { path, checkpointAbovePages } = (workerData as { data: { path: string; checkpointAbovePages: number } }).data;
const db = openDatabase(path);
db.pragma('synchronous = NORMAL');
// checkpoints are the checkpoint thread's; this connection's own, inside a commit, comes only at a
// size the WAL reaches under steady writes, to start it over (see wal-checkpointer.ts)
db.pragma(`wal_autocheckpoint = ${checkpointAbovePages}`);
// SQLite keeps the WAL beside the real file, not beside a symbolic link to it
const wal = new FileSync(`${realpathSync(path)}-wal`);
const repos: Repositories = {
  sessions: new SessionRepository(db),
  transcript: new TranscriptRepository(db),
  assessments: new AssessmentRepository(db),
  reports: new ReportRepository(db),
};

type Request = Numbered<WriterRequest>;
type Reply = WorkerReply<UnitOutcome[]>;

let queue: Request[] = [];
let scheduled = false;
let closing = false;

/**
 * Copies into the database file what the checkpoint thread has not yet copied: the frames written
 * since its last catch-up checkpoint. This thread is the only writer, so no frame arrives meanwhile,
 * and once every frame is copied SQLite starts the WAL over at the next commit (see wal-checkpointer.ts).
 */
function finishCheckpoint(id: number): Reply {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
    return { id, result: [] };
  } catch (err) {
    return { id, error: err instanceof Error ? err.message : String(err) };
  }
}

port.on('message', (message: WorkerMessage<WriterRequest>) => {
  if ('close' in message) closing = true;
  else queue.push(...message.requests);
  if (!scheduled) {
    scheduled = true;
    setImmediate(drain);
  }
});

function drain(): void {
  scheduled = false;
  const batch = queue;
  queue = [];
  if (batch.length > 0) {
    let replies: Reply[];
    try {
      const outcomes = applyBatch(db, repos, batch.flatMap((r) => r.request.units));
      let at = 0;
      replies = batch.map((r) => {
        const mine = outcomes.slice(at, at + r.request.units.length);
        at += r.request.units.length;
        return { id: r.id, result: mine };
      });
    } catch (err) {
      // the commit itself failed: nothing in the batch happened
      const message = err instanceof Error ? err.message : String(err);
      replies = batch.map((r) => ({ id: r.id, error: message }));
    }
    const syncFor = batch.flatMap((r, i) => (r.request.durable && !('error' in replies[i]!) ? [i] : []));
    if (syncFor.length > 0) {
      try {
        wal.sync();
      } catch (err) {
        const error = `fsync failed: ${err instanceof Error ? err.message : String(err)}`;
        for (const i of syncFor) replies[i] = { id: replies[i]!.id, error };
      }
    }
    const finish = batch.findIndex((r) => r.request.finishCheckpoint);
    if (finish < 0) port.postMessage(replies);
    else {
      port.postMessage(replies.filter((_, i) => i !== finish));
      port.postMessage([finishCheckpoint(replies[finish]!.id)]);
    }
  }
  if (closing) {
    wal.close();
    db.close();
    port.close();
  }
}

import { realpathSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { openDatabase } from './database.js';
import { SessionRepository } from './session-repository.js';
import { TranscriptRepository } from './transcript-repository.js';
import { AssessmentRepository } from './assessment-repository.js';
import { ReportRepository } from './report-repository.js';
import { applyBatch, type Repositories } from './write-units.js';
import { WalSync } from './wal-sync.js';
import type { WriterRequest } from './store-writer.js';
import type { Numbered, WorkerMessage, WorkerReply } from '../threads/worker-client.js';
import type { UnitOutcome } from './write-units.js';

/**
 * The writer thread: owns the only connection that writes. Requests that queue up while it is busy
 * go out together in the next transaction. Every commit returns without waiting for the disk; a
 * durable request is answered once a WAL sync that began after its commit has finished, so writes
 * that need no fsync never queue behind one.
 */
const port = parentPort!;
const { path, checkpointAbovePages } = (workerData as { data: { path: string; checkpointAbovePages: number } }).data;
const db = openDatabase(path);
db.pragma('synchronous = NORMAL');
// checkpoints are the checkpoint thread's; this connection's own, inside a commit, comes only at a
// size the WAL reaches under steady writes, to start it over (see wal-checkpointer.ts)
db.pragma(`wal_autocheckpoint = ${checkpointAbovePages}`);
// SQLite keeps the WAL beside the real file, not beside a symbolic link to it
const wal = new WalSync(`${realpathSync(path)}-wal`);
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
/** durable replies waiting for their sync; closing waits for them */
const syncing = new Set<Promise<void>>();

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
    // one message for the replies that need no sync, one for those that do once it is done
    const durable: Reply[] = [];
    const now: Reply[] = [];
    batch.forEach((r, i) => (r.request.durable && !('error' in replies[i]!) ? durable : now).push(replies[i]!));
    if (now.length > 0) port.postMessage(now);
    if (durable.length > 0) {
      const done: Promise<void> = wal.sync().then(
        () => port.postMessage(durable),
        (err: unknown) => port.postMessage(durable.map(({ id }) => ({ id, error: `fsync failed: ${err instanceof Error ? err.message : String(err)}` }))),
      );
      syncing.add(done);
      void done.finally(() => syncing.delete(done));
    }
  }
  if (closing) {
    void Promise.allSettled([...syncing]).then(() => {
      wal.close();
      db.close();
      port.close();
    });
  }
}

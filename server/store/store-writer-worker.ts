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
 * go out together: the durable ones in one transaction, followed by a sync of the WAL on this thread
 * (wal-sync.ts) and their replies; the others in a second transaction, which needs no sync. Every
 * commit returns without waiting for the disk.
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
  // Durable writes first, in a commit of their own, synced and answered before the rest is applied:
  // an acknowledgement does not wait for the commit of assessments and questions that came with it.
  // Nothing durable depends on a write that waits here: the service asks for a write only once the
  // writes it builds on have been answered (a candidate answers a question only after it is sent).
  const durable = batch.filter((r) => r.request.durable);
  if (durable.length > 0) {
    const replies = commit(durable);
    const synced = replies.filter((reply) => !('error' in reply));
    if (synced.length > 0) {
      try {
        wal.sync();
      } catch (err) {
        const error = `fsync failed: ${err instanceof Error ? err.message : String(err)}`;
        for (const reply of synced) replies[replies.indexOf(reply)] = { id: reply.id, error };
      }
    }
    port.postMessage(replies);
  }
  const rest = durable.length > 0 ? batch.filter((r) => !r.request.durable) : batch;
  if (rest.length > 0) port.postMessage(commit(rest));
  if (closing) {
    wal.close();
    db.close();
    port.close();
  }
}

/** Applies the requests' units in one transaction; a reply for each request, in order. */
function commit(requests: Request[]): Reply[] {
  try {
    const outcomes = applyBatch(db, repos, requests.flatMap((r) => r.request.units));
    let at = 0;
    return requests.map((r) => {
      const mine = outcomes.slice(at, at + r.request.units.length);
      at += r.request.units.length;
      return { id: r.id, result: mine };
    });
  } catch (err) {
    // the commit itself failed: nothing in it happened
    const message = err instanceof Error ? err.message : String(err);
    return requests.map((r) => ({ id: r.id, error: message }));
  }
}

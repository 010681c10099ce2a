import { parentPort, workerData } from 'node:worker_threads';
import { openDatabase } from './database.js';
import { SessionRepository } from './session-repository.js';
import { TranscriptRepository } from './transcript-repository.js';
import { AssessmentRepository } from './assessment-repository.js';
import { ReportRepository } from './report-repository.js';
import { applyBatch, type Repositories } from './write-units.js';
import type { WriterReply, WriterRequest } from './store-writer.js';

/**
 * The writer thread: owns the only connection that writes. Requests that queue up while it is busy
 * (most often while a durable commit waits for its fsync) go out together in the next transaction.
 */
const port = parentPort!;
const db = openDatabase((workerData as { path: string }).path);
const repos: Repositories = {
  sessions: new SessionRepository(db),
  transcript: new TranscriptRepository(db),
  assessments: new AssessmentRepository(db),
  reports: new ReportRepository(db),
};

let queue: WriterRequest[] = [];
let scheduled = false;
let closing = false;

port.on('message', (message: WriterRequest | { close: true }) => {
  if ('close' in message) closing = true;
  else queue.push(message);
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
    const units = batch.flatMap((r) => r.units);
    const durable = batch.some((r) => r.durable);
    let replies: WriterReply[];
    try {
      const outcomes = applyBatch(db, repos, units, durable);
      let at = 0;
      replies = batch.map((r) => {
        const mine = outcomes.slice(at, at + r.units.length);
        at += r.units.length;
        return { id: r.id, outcomes: mine };
      });
    } catch (err) {
      // the commit itself failed: nothing in the batch happened
      const message = err instanceof Error ? err.message : String(err);
      replies = batch.map((r) => ({ id: r.id, error: message }));
    }
    for (const reply of replies) port.postMessage(reply);
  }
  if (closing) {
    db.close();
    port.close();
  }
}

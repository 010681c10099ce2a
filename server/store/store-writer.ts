import { Worker } from 'node:worker_threads';
import type { UnitOutcome, WriteUnit } from './write-units.js';

export interface WriterRequest {
  id: number;
  units: WriteUnit[];
  durable: boolean;
}

export type WriterReply = { id: number; outcomes: UnitOutcome[] } | { id: number; error: string };

interface Waiting {
  resolve: (outcomes: UnitOutcome[]) => void;
  reject: (err: Error) => void;
}

/**
 * Runs the interview's writes on a thread of their own, with their own connection. better-sqlite3
 * is synchronous: on the event loop, every statement, commit, fsync and WAL checkpoint of every
 * answer would hold up every socket. Here the event loop only posts a message and is told when
 * the write has committed, so nothing is shown to a client before it is stored. Reads stay on the
 * event loop's connection: in WAL mode they see every committed write and never wait for the writer.
 */
export class StoreWriter {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly waiting = new Map<number, Waiting>();
  private closed: Promise<void> | undefined;

  /** The thread starts at once: loading it takes a moment that the first answer should not wait for. */
  constructor(private readonly path: string) {
    this.spawn();
  }

  run(units: WriteUnit[], durable: boolean): Promise<UnitOutcome[]> {
    if (this.closed) return Promise.reject(new Error('the store is closed'));
    const worker = this.worker ?? this.spawn();
    const id = this.nextId++;
    return new Promise<UnitOutcome[]>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      // the thread keeps the process alive only while a write is waiting for it
      if (this.waiting.size === 1) worker.ref();
      worker.postMessage({ id, units, durable } satisfies WriterRequest);
    });
  }

  /** Finishes the writes already asked for, then closes the writer's connection. */
  close(): Promise<void> {
    if (this.closed) return this.closed;
    const worker = this.worker;
    this.closed = worker
      ? new Promise<void>((resolve) => {
          worker.once('exit', () => resolve());
          worker.ref();
          worker.postMessage({ close: true });
        })
      : Promise.resolve();
    return this.closed;
  }

  private spawn(): Worker {
    const worker = new Worker(new URL('./store-writer-thread.mjs', import.meta.url), {
      workerData: { path: this.path },
      // none of this process's flags (a profiler, a loader): the entry registers what the thread needs
      execArgv: [],
    });
    // idle, the thread does not keep the process alive; run() holds it while a write waits
    worker.unref();
    worker.on('message', (reply: WriterReply) => {
      const waiting = this.waiting.get(reply.id);
      if (!waiting) return;
      this.waiting.delete(reply.id);
      if (this.waiting.size === 0) worker.unref();
      if ('error' in reply) waiting.reject(new Error(`store write failed: ${reply.error}`));
      else waiting.resolve(reply.outcomes);
    });
    const fail = (err: Error) => {
      // a writer that died takes its unanswered writes with it; the next write starts a new one
      if (this.worker === worker) this.worker = undefined;
      for (const w of this.waiting.values()) w.reject(err);
      this.waiting.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`store writer stopped (exit code ${code})`)));
    this.worker = worker;
    return worker;
  }
}

import { Worker } from 'node:worker_threads';

/** One request, numbered so that its reply can find it. */
export interface Numbered<Req> {
  id: number;
  request: Req;
}
/** What a worker is sent: the requests of one turn of the event loop, or the word to finish and exit. */
export type WorkerMessage<Req> = { requests: Numbered<Req>[] } | { close: true };
/** What it answers each request with; replies travel in arrays, as many as are ready together. */
export type WorkerReply<Res> = { id: number; result: Res } | { id: number; error: string };

interface Waiting<Res> {
  /** the thread the request went to: only its failure fails the request */
  worker: Worker;
  resolve: (result: Res) => void;
  reject: (err: Error) => void;
}

/** A request not yet sent: settled as a Waiting one is, once it has been. */
type Queued<Req, Res> = Numbered<Req> & Omit<Waiting<Res>, 'worker'>;

/**
 * Requests to a TypeScript module running on a worker thread, each answered by a promise. The
 * thread starts at once (loading it takes a moment the first request should not wait for), keeps
 * the process alive only while a request waits for it, and is started again by the next request
 * if it dies; requests it had not answered are rejected.
 *
 * Requests made in one turn of the event loop go to the thread in one message, after the turn's
 * I/O (setImmediate). Waking a thread that sleeps costs more than copying a request to it (about
 * 70 µs on a 2-core VM, against 7 for one more request in a message already going), and under load
 * one turn carries the answers of many sockets.
 */
export class WorkerClient<Req, Res> {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly waiting = new Map<number, Waiting<Res>>();
  private queued: Queued<Req, Res>[] = [];
  private closed: Promise<void> | undefined;

  /** @param module the worker's TypeScript module; `data` reaches it as workerData.data */
  constructor(
    private readonly module: URL,
    private readonly data: unknown,
  ) {
    this.spawn();
  }

  /** @param now send at once, with whatever is queued: for a caller that has batched its turn's requests already */
  request(request: Req, options: { now?: boolean } = {}): Promise<Res> {
    if (this.closed) return Promise.reject(new Error('the worker is closed'));
    return new Promise<Res>((resolve, reject) => {
      this.queued.push({ id: this.nextId++, request, resolve, reject });
      if (options.now) this.flush();
      else if (this.queued.length === 1) setImmediate(() => this.flush());
    });
  }

  /** Lets the worker answer what it was already asked, then stops it. */
  close(): Promise<void> {
    if (this.closed) return this.closed;
    this.flush();
    const worker = this.worker;
    this.closed = worker
      ? new Promise<void>((resolve) => {
          worker.once('exit', () => resolve());
          worker.ref();
          worker.postMessage({ close: true } satisfies WorkerMessage<Req>);
        })
      : Promise.resolve();
    return this.closed;
  }

  private flush(): void {
    const batch = this.queued;
    if (batch.length === 0) return;
    this.queued = [];
    let worker: Worker;
    try {
      worker = this.worker ?? this.spawn();
    } catch (err) {
      // no thread could be started (out of memory or threads, say): the batch fails, and the process goes on
      const error = err instanceof Error ? err : new Error(String(err));
      for (const one of batch) one.reject(error);
      return;
    }
    if (!this.post(worker, batch)) {
      // something in the batch could not be copied to the thread (a function in it, say): find it
      // by sending each alone, so that only what cannot be sent fails
      for (const one of batch) this.post(worker, [one]);
    }
  }

  /** @returns false if nothing was sent because the batch could not be copied */
  private post(worker: Worker, batch: Queued<Req, Res>[]): boolean {
    try {
      worker.postMessage({ requests: batch.map(({ id, request }) => ({ id, request })) } satisfies WorkerMessage<Req>);
    } catch (err) {
      if (batch.length > 1) return false;
      batch[0]!.reject(err instanceof Error ? err : new Error(String(err)));
      return true;
    }
    if (this.waiting.size === 0) worker.ref();
    for (const { id, resolve, reject } of batch) this.waiting.set(id, { worker, resolve, reject });
    return true;
  }

  private spawn(): Worker {
    const worker = new Worker(new URL('./ts-worker-entry.mjs', import.meta.url), {
      workerData: { module: this.module.href, data: this.data },
      // none of this process's flags (a profiler, a loader): the entry registers what the thread needs
      execArgv: [],
    });
    worker.on('message', (replies: WorkerReply<Res>[]) => {
      for (const reply of replies) {
        const waiting = this.waiting.get(reply.id);
        if (!waiting) continue;
        this.waiting.delete(reply.id);
        if ('error' in reply) waiting.reject(new Error(reply.error));
        else waiting.resolve(reply.result);
      }
      // once closing, the thread holds the process open until it has exited (its database closed)
      if (this.waiting.size === 0 && !this.closed) worker.unref();
    });
    const fail = (err: Error) => {
      if (this.worker === worker) this.worker = undefined;
      // requests already sent to a new thread are that thread's to answer
      for (const [id, w] of this.waiting) {
        if (w.worker !== worker) continue;
        this.waiting.delete(id);
        w.reject(err);
      }
      if (this.waiting.size === 0 && !this.closed) this.worker?.unref();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`worker thread stopped (exit code ${code})`)));
    // after the listeners, which would otherwise hold the process open again
    worker.unref();
    this.worker = worker;
    return worker;
  }
}

import { Worker } from 'node:worker_threads';

/** What a worker is sent: a request, or the word to finish and exit. */
export type WorkerMessage<Req> = { id: number; request: Req } | { close: true };
/** What it answers each request with. */
export type WorkerReply<Res> = { id: number; result: Res } | { id: number; error: string };

interface Waiting<Res> {
  /** the thread the request went to: only its failure fails the request */
  worker: Worker;
  resolve: (result: Res) => void;
  reject: (err: Error) => void;
}

/**
 * Requests to a TypeScript module running on a worker thread, each answered by a promise. The
 * thread starts at once (loading it takes a moment the first request should not wait for), keeps
 * the process alive only while a request waits for it, and is started again by the next request
 * if it dies; requests it had not answered are rejected.
 */
export class WorkerClient<Req, Res> {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly waiting = new Map<number, Waiting<Res>>();
  private closed: Promise<void> | undefined;

  /** @param module the worker's TypeScript module; `data` reaches it as workerData.data */
  constructor(
    private readonly module: URL,
    private readonly data: unknown,
  ) {
    this.spawn();
  }

  request(request: Req): Promise<Res> {
    if (this.closed) return Promise.reject(new Error('the worker is closed'));
    const worker = this.worker ?? this.spawn();
    const id = this.nextId++;
    return new Promise<Res>((resolve, reject) => {
      try {
        worker.postMessage({ id, request } satisfies WorkerMessage<Req>);
      } catch (err) {
        // the request could not be copied to the thread (a function in it, say): nothing was sent
        reject(err instanceof Error ? err : new Error(String(err)));
        return;
      }
      this.waiting.set(id, { worker, resolve, reject });
      if (this.waiting.size === 1) worker.ref();
    });
  }

  /** Lets the worker answer what it was already asked, then stops it. */
  close(): Promise<void> {
    if (this.closed) return this.closed;
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

  private spawn(): Worker {
    const worker = new Worker(new URL('./ts-worker-entry.mjs', import.meta.url), {
      workerData: { module: this.module.href, data: this.data },
      // none of this process's flags (a profiler, a loader): the entry registers what the thread needs
      execArgv: [],
    });
    worker.on('message', (reply: WorkerReply<Res>) => {
      const waiting = this.waiting.get(reply.id);
      if (!waiting) return;
      this.waiting.delete(reply.id);
      if (this.waiting.size === 0) worker.unref();
      if ('error' in reply) waiting.reject(new Error(reply.error));
      else waiting.resolve(reply.result);
    });
    const fail = (err: Error) => {
      if (this.worker === worker) this.worker = undefined;
      // requests already sent to a new thread are that thread's to answer
      for (const [id, w] of this.waiting) {
        if (w.worker !== worker) continue;
        this.waiting.delete(id);
        w.reject(err);
      }
      if (this.waiting.size === 0) this.worker?.unref();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`worker thread stopped (exit code ${code})`)));
    // after the listeners, which would otherwise hold the process open again
    worker.unref();
    this.worker = worker;
    return worker;
  }
}

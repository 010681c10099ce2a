import { WorkerClient } from '../threads/worker-client.js';

export interface CheckpointResult {
  /** frames in the WAL */
  walPages: number;
  /** of which copied into the database file */
  copiedPages: number;
}

export interface CheckpointOptions {
  /** how long after a write the checkpoint runs; writes in between share it */
  delayMs?: number;
  /**
   * WAL size, in pages, at which the writer's connection checkpoints by itself, inside a commit:
   * the only way the WAL starts over under steady writes (see WalCheckpointer)
   */
  writerAbovePages?: number;
  /** WAL size, in pages, from which a checkpoint that copied every frame it found is finished by `finish` */
  finishAbovePages?: number;
  /** copies the frames written while the checkpoint ran, on the writer's thread (see WalCheckpointer) */
  finish?: () => Promise<unknown>;
  /** told of the first failure in a row (the writer's own checkpoint bounds the WAL meanwhile) */
  onError?: (err: Error) => void;
}

/**
 * 160 MB of 4 KB pages. Each of these checkpoints held the writer up 20-55 ms in the live benchmark
 * (its fsyncs, with some 30 MB/s of WAL being written), so the fewer the better: against 40 MB,
 * p99 at N = 500 went from 50 and 57 ms to 33 and 30, and at N = 1,000 from 206 to 158.
 */
export const WRITER_CHECKPOINT_PAGES = 40_000;

/**
 * 16 MB: at 400 answers a second the WAL starts over about every 1.2 s. Well above what one delay's
 * worth of writes adds (some 700 pages at that rate), so this thread still does nearly all the copying.
 */
export const FINISH_CHECKPOINT_PAGES = 4_000;

/**
 * Checkpoints the WAL on a thread of its own. SQLite's automatic checkpoint runs inside the commit
 * that crosses its threshold (1,000 pages by default), on the committing connection: the writer
 * thread would copy the WAL into the file and wait for two fsyncs while every answer behind it
 * waited too. This schedules a PASSIVE checkpoint a short while after writes instead, one at a
 * time, which copies while commits go on.
 *
 * Under steady writes that is not enough for the WAL to start over: it does so only when a write
 * begins with every frame copied, and one always begins while the copy is under way. So once the WAL
 * passes `finishAbovePages`, a checkpoint that copied every frame it found is finished by the writer
 * thread (`finish`), between two of its commits: it copies only the frames written while this
 * thread's checkpoint ran, no frame can arrive meanwhile, and the writer's next commit starts the
 * WAL over. That costs the writer a few milliseconds every second or so under heavy load; before,
 * the WAL started over only at the writer's automatic checkpoint, below, which held it 20-55 ms.
 *
 * The writer keeps that automatic checkpoint, at `writerAbovePages`, as the backstop if this thread
 * fails or a reader keeps a checkpoint from copying everything: the WAL stays bounded.
 */
export class WalCheckpointer {
  private readonly client: WorkerClient<null, CheckpointResult>;
  private readonly delayMs: number;
  private readonly onError: ((err: Error) => void) | undefined;
  private readonly finishAbovePages: number;
  private readonly finish: (() => Promise<unknown>) | undefined;
  /** the WAL as the last scheduled checkpoint left it; undefined before the first */
  last: CheckpointResult | undefined;
  private failing = false;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;
  private dirty = false;
  private closed = false;

  constructor(path: string, options: CheckpointOptions = {}) {
    this.delayMs = options.delayMs ?? 200;
    this.onError = options.onError;
    this.finishAbovePages = options.finishAbovePages ?? FINISH_CHECKPOINT_PAGES;
    this.finish = options.finish;
    this.client = new WorkerClient(new URL('./wal-checkpoint-worker.ts', import.meta.url), { path });
  }

  /** Says that a write has committed: a checkpoint follows within the delay, or after the one running. */
  wrote(): void {
    if (this.closed) return;
    this.dirty = true;
    if (!this.timer && !this.running) this.arm();
  }

  /** Runs one checkpoint now (tools, tests); resolves with the WAL's state after it. */
  checkpoint(): Promise<CheckpointResult> {
    return this.client.request(null);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.client.close();
  }

  /** One checkpoint, finished by the writer when the WAL is large; failures are reported, not thrown. */
  private async runOnce(): Promise<void> {
    try {
      const result = await this.checkpoint();
      this.last = result;
      // a reader can hold a checkpoint back from copying every frame: then the next one tries again
      if (this.finish && !this.closed && result.walPages >= this.finishAbovePages && result.copiedPages === result.walPages) {
        await this.finish();
      }
      this.failing = false;
    } catch (err) {
      // the writer's own checkpoint keeps the WAL bounded meanwhile; the next write tries again
      if (!this.failing && !this.closed) this.onError?.(err instanceof Error ? err : new Error(String(err)));
      this.failing = true;
    }
  }

  private arm(): void {
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.dirty = false;
      const run = this.runOnce();
      this.running = run;
      void run.then(() => {
        this.running = undefined;
        if (this.dirty && !this.closed) this.arm();
      });
    }, this.delayMs);
    // a pending checkpoint does not keep the process alive: closing the last connection checkpoints
    this.timer.unref();
  }
}

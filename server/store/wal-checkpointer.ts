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
 * A checkpoint ends in an fsync of the database file, and an answer's own fsync waits behind it on
 * the disk. Once a second rather than every 200 ms under load: p50 at N = 500 went from 5.18 and 5.52
 * ms to 4.48 and 3.91 in interleaved pairs, p99 about the same (36 and 34 against 29 and 41).
 */
export const CHECKPOINT_DELAY_MS = 1000;

/**
 * Checkpoints the WAL on a thread of its own. SQLite's automatic checkpoint runs inside the commit
 * that crosses its threshold (1,000 pages by default), on the committing connection: the writer
 * thread would copy the WAL into the file and wait for two fsyncs while every answer behind it
 * waited too. This schedules a PASSIVE checkpoint a short while after writes instead, one at a
 * time, which copies while commits go on.
 *
 * Under steady writes that is not enough for the WAL to start over: it does so only when a write
 * begins with every frame copied, and one always begins while the copy is under way. So the writer
 * keeps its own automatic checkpoint, at `writerAbovePages`. By then this thread has copied all but
 * the last few hundred milliseconds of frames, so it is short, and it never waits for a lock. It is
 * also the backstop if this thread fails: the WAL stays bounded.
 */
export class WalCheckpointer {
  private readonly client: WorkerClient<null, CheckpointResult>;
  private readonly delayMs: number;
  private readonly onError: ((err: Error) => void) | undefined;
  /** the WAL as the last scheduled checkpoint left it; undefined before the first */
  last: CheckpointResult | undefined;
  private failing = false;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;
  private dirty = false;
  private closed = false;

  constructor(path: string, options: CheckpointOptions = {}) {
    this.delayMs = options.delayMs ?? CHECKPOINT_DELAY_MS;
    this.onError = options.onError;
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

  private arm(): void {
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.dirty = false;
      const run = this.checkpoint().then(
        (result) => {
          this.last = result;
          this.failing = false;
        },
        (err: unknown) => {
          // the writer's own checkpoint keeps the WAL bounded meanwhile; the next write tries again
          if (!this.failing) this.onError?.(err instanceof Error ? err : new Error(String(err)));
          this.failing = true;
        },
      );
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

import { WorkerClient } from '../threads/worker-client.js';

export interface CheckpointResult {
  /** frames in the WAL */
  walPages: number;
  /** of which copied into the database file */
  copiedPages: number;
  /** the database file was synced after this checkpoint copied frames (see wal-checkpoint-worker.ts) */
  fileSynced: boolean;
}

export interface CheckpointOptions {
  /** how long after a write the checkpoint runs; writes in between share it */
  delayMs?: number;
  /**
   * WAL size, in pages, at which the writer's connection checkpoints by itself, inside a commit:
   * the only way the WAL starts over under steady writes (see WalCheckpointer)
   */
  writerAbovePages?: number;
  /** WAL size, in pages, from which this thread catches up and `finish` starts the WAL over (see WalCheckpointer) */
  finishAbovePages?: number;
  /** copies the frames written since the last catch-up checkpoint, on the writer's thread */
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
 * A checkpoint ends in an fsync of the database file, and an answer's own fsync waits behind it on
 * the disk. Once a second rather than every 200 ms under load: p50 at N = 500 went from 5.18 and 5.52
 * ms to 4.48 and 3.91 in interleaved pairs, p99 about the same (36 and 34 against 29 and 41).
 */
export const CHECKPOINT_DELAY_MS = 1000;

/**
 * 128 MB: the WAL starts over about every 6 s at 400 answers a second. Each time costs the writer a
 * short pause (see WalCheckpointer), so not often; and below the writer's own checkpoint, with room
 * for the catch-up checkpoints to run before the WAL reaches it.
 */
export const FINISH_CHECKPOINT_PAGES = 32_000;

/**
 * A catch-up checkpoint that copied fewer frames than this is the last before the writer finishes:
 * what was written while it ran (a few milliseconds' worth) is what the writer has left to copy.
 */
export const CATCH_UP_PAGES = 400;
/** at most this many catch-up checkpoints before the writer finishes, however much each copied */
export const CATCH_UP_ROUNDS = 4;

/**
 * Checkpoints the WAL on a thread of its own. SQLite's automatic checkpoint runs inside the commit
 * that crosses its threshold (1,000 pages by default), on the committing connection: the writer
 * thread would copy the WAL into the file and wait for two fsyncs while every answer behind it
 * waited too. This schedules a PASSIVE checkpoint a short while after writes instead, one at a
 * time, which copies while commits go on.
 *
 * Under steady writes that is not enough for the WAL to start over: it does so only when a write
 * begins with every frame copied, and one always begins while the copy is under way. The writer's
 * own automatic checkpoint would start it over, but inside a commit and with every frame since this
 * thread's last checkpoint to copy and sync: 44-124 ms in the live benchmark at N = 500, during
 * which no answer could be acknowledged (the database file's fsync is most of it).
 *
 * So once the WAL passes `finishAbovePages`, this thread catches up: checkpoint after checkpoint,
 * each copying what was written while the one before ran, until one copies fewer than
 * CATCH_UP_PAGES frames. Then the writer thread finishes (`finish`), between two of its commits:
 * it copies only what was written during that last short checkpoint, no frame can arrive
 * meanwhile, and its next commit starts the WAL over.
 *
 * The writer keeps its automatic checkpoint, at `writerAbovePages`, as the backstop if this thread
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
    this.delayMs = options.delayMs ?? CHECKPOINT_DELAY_MS;
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

  /**
   * One checkpoint; when the WAL is large, the catch-up checkpoints and the writer's finish after it.
   * Failures are reported, not thrown.
   */
  private async runOnce(): Promise<void> {
    try {
      let result = await this.checkpoint();
      this.last = result;
      if (this.finish && result.walPages >= this.finishAbovePages) {
        for (let round = 0; round < CATCH_UP_ROUNDS && !this.closed && result.copiedPages === result.walPages; round++) {
          const before = result.walPages;
          result = await this.checkpoint();
          this.last = result;
          // the frames this one found beyond the last: written while the last one ran
          if (result.walPages - before < CATCH_UP_PAGES) break;
        }
        // a reader can hold a checkpoint back from copying every frame: then the next one tries again
        if (!this.closed && result.copiedPages === result.walPages) await this.finish();
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

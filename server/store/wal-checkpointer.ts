import { WorkerClient } from '../threads/worker-client.js';

export interface CheckpointRequest {
  /** WAL size, in pages, past which the checkpoint holds writers back until the WAL can restart */
  restartAbovePages: number;
}
export interface CheckpointResult {
  walPages: number;
  copiedPages: number;
  busy: boolean;
}

export interface CheckpointOptions {
  /** how long after a write the checkpoint runs; writes in between share it */
  delayMs?: number;
  restartAbovePages?: number;
}

/**
 * Checkpoints the WAL on a thread of its own. SQLite's automatic checkpoint runs inside the commit
 * that crosses its threshold, on the committing connection: the writer thread would copy the WAL
 * into the file and wait for two fsyncs while every answer behind it waited too. Measured on a
 * 2-core VM, that was about 60 % of the writer's time per write. The writer's connection has it
 * turned off; this schedules a PASSIVE checkpoint a short while after writes instead, one at a time.
 */
export class WalCheckpointer {
  private readonly client: WorkerClient<CheckpointRequest, CheckpointResult>;
  private readonly delayMs: number;
  private readonly restartAbovePages: number;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;
  private dirty = false;
  private closed = false;

  constructor(path: string, options: CheckpointOptions = {}) {
    this.delayMs = options.delayMs ?? 200;
    // 40 MB of 4 KB pages. Each such checkpoint held the writer up for 20-55 ms in the live benchmark
    // at N = 500 (its fsyncs, with about 30 MB/s of WAL being written): every 0.55 s with a limit of
    // 16 MB, so about every 1.5 s with this one. Under light load the WAL restarts by itself
    this.restartAbovePages = options.restartAbovePages ?? 10_000;
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
    return this.client.request({ restartAbovePages: this.restartAbovePages });
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
      const run = this.checkpoint().catch(() => {
        // an I/O error here fails the writes too, which report it; the next write tries again
      });
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

import { WorkerClient } from '../threads/worker-client.js';

export interface CheckpointResult {
  /** frames in the WAL when it ran */
  walPages: number;
  /** of those, copied into the database file so far */
  copiedPages: number;
}

/** How often the WAL is copied into the database file. */
const EVERY_MS = 200;

/**
 * Copies the write-ahead log into the database file from a thread and connection of its own. Left
 * to the writer, a checkpoint runs inside whichever commit crosses the WAL's size limit: it copies
 * the log, syncs it and the database file, and every write queued behind it waits, which was most
 * of the answers' slowest 1 %. Here it runs beside the writer, which goes on appending. The writer
 * keeps a checkpoint of its own at a larger size (WRITER_CHECKPOINT_PAGES) as a backstop: only a
 * checkpoint that finds nothing appended meanwhile lets SQLite start the log again from the top,
 * and under steady writes that is the writer's, which by then has little left to copy.
 */
export class Checkpointer {
  private readonly client: WorkerClient<Record<string, never>, CheckpointResult>;
  private readonly timer: NodeJS.Timeout;
  private running = false;

  constructor(path: string) {
    this.client = new WorkerClient(new URL('./checkpointer-worker.ts', import.meta.url), { path });
    this.timer = setInterval(() => this.run(), EVERY_MS).unref();
  }

  private run(): void {
    if (this.running) return;
    this.running = true;
    this.client
      .request({})
      // a failed checkpoint loses nothing: the writer's own backstop checkpoints instead
      .catch(() => {})
      .finally(() => {
        this.running = false;
      });
  }

  close(): Promise<void> {
    clearInterval(this.timer);
    return this.client.close();
  }
}

/** The writer's own checkpoint threshold, in pages (SQLite's default is 1,000): see Checkpointer. */
export const WRITER_CHECKPOINT_PAGES = 4000;

import { WorkerClient } from '../threads/worker-client.js';
import { WalCheckpointer, WRITER_CHECKPOINT_PAGES, type CheckpointOptions } from './wal-checkpointer.js';
import type { UnitOutcome, WriteUnit } from './write-units.js';

export interface WriterRequest {
  units: WriteUnit[];
  durable: boolean;
  /** after this batch's replies: copy what is left in the WAL, so that the next commit starts it over (see WalCheckpointer) */
  finishCheckpoint?: boolean;
}

/**
 * Runs the interview's writes on a thread of their own, with their own connection. better-sqlite3
 * is synchronous: on the event loop, every statement, commit, fsync and WAL checkpoint of every
 * answer would hold up every socket. Here the event loop only posts a message and is told when
 * the write has committed, so nothing is shown to a client before it is stored. Reads stay on the
 * event loop's connection: in WAL mode they see every committed write and never wait for the writer.
 */
export class StoreWriter {
  private readonly client: WorkerClient<WriterRequest, UnitOutcome[]>;
  private readonly checkpoints: WalCheckpointer;

  constructor(path: string, checkpoints?: CheckpointOptions) {
    const checkpointAbovePages = checkpoints?.writerAbovePages ?? WRITER_CHECKPOINT_PAGES;
    this.client = new WorkerClient(new URL('./store-writer-worker.ts', import.meta.url), { path, checkpointAbovePages });
    this.checkpoints = new WalCheckpointer(path, {
      ...checkpoints,
      finish: () => this.client.request({ units: [], durable: false, finishCheckpoint: true }),
    });
  }

  async run(units: WriteUnit[], durable: boolean): Promise<UnitOutcome[]> {
    try {
      // a durable write is on an acknowledgement's path, and its caller (GroupCommit) has already
      // gathered the turn's answers into it: it goes at once rather than a turn of the loop later
      return await this.client.request({ units, durable }, { now: durable });
    } catch (err) {
      throw new Error(`store write failed: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      // the checkpoint thread copies what was written (the writer's connection seldom does)
      this.checkpoints.wrote();
    }
  }

  /** pages in the WAL after the last checkpoint; undefined before the first */
  get walPages(): number | undefined {
    return this.checkpoints.last?.walPages;
  }

  async close(): Promise<void> {
    await this.client.close();
    // after the last write; the event loop's connection, closed last, checkpoints what is left
    await this.checkpoints.close();
  }
}

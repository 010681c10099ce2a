import { WorkerClient } from '../threads/worker-client.js';
import type { UnitOutcome, WriteUnit } from './write-units.js';

export interface WriterRequest {
  units: WriteUnit[];
  durable: boolean;
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

  constructor(path: string) {
    this.client = new WorkerClient(new URL('./store-writer-worker.ts', import.meta.url), { path });
  }

  async run(units: WriteUnit[], durable: boolean): Promise<UnitOutcome[]> {
    try {
      // a durable write is on an acknowledgement's path, and its caller (GroupCommit) has already
      // gathered the turn's answers into it: it goes at once rather than a turn of the loop later
      return await this.client.request({ units, durable }, { now: durable });
    } catch (err) {
      throw new Error(`store write failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  close(): Promise<void> {
    return this.client.close();
  }
}

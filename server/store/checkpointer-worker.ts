import { workerData } from 'node:worker_threads';
import { openDatabase } from './database.js';
import { serveRequests } from '../threads/serve-requests.js';
import type { CheckpointResult } from './checkpointer.js';

// a connection of its own that only ever checkpoints (see checkpointer.ts)
const { path } = (workerData as { data: { path: string } }).data;
const db = openDatabase(path);

serveRequests(
  (): CheckpointResult => {
    const [row] = db.pragma('wal_checkpoint(PASSIVE)') as { busy: number; log: number; checkpointed: number }[];
    return { walPages: row?.log ?? 0, copiedPages: row?.checkpointed ?? 0 };
  },
  () => db.close(),
);

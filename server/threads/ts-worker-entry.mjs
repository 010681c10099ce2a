// Entry of every worker thread (see worker-client.ts). Plain JavaScript because Node 20 does not
// apply --import loaders to a worker's entry module: tsx is registered here, then the TypeScript
// module named in workerData is loaded through it.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.module);
